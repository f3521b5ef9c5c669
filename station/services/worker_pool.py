"""Worker processes that end when the process that started them does.

A pool's workers are forked children: killed with `kill -9`, or by the out-of-memory killer,
the parent leaves them behind, and each goes on with the work it was given (a county load its
whole share of folders, committing loads nobody reports), then waits for more forever — on
pipes its siblings keep open — holding what it inherited (the county's connection). Here the
kernel kills each worker when its parent goes (Linux: PR_SET_PDEATHSIG), so a folder being
loaded is rolled back whole and the same load run again finishes the batch alone."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def processes(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes, each killed when this process ends (on Linux: forked, so
    that this process is their parent — a fork server's children would outlive it)."""
    if sys.platform != "linux":
        return ProcessPoolExecutor(max_workers=workers)
    forked = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(workers, forked, initializer=_die_with_parent, initargs=(os.getpid(),))


def _die_with_parent(parent: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    if os.getppid() != parent:  # the parent went before the signal was asked for
        os._exit(1)
