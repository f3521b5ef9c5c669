"""A `station` that is not its terminal's session leader (started through `make run`, a launcher
script) ends when the terminal closes. Before, nothing told it: Textual's input thread read a
terminal that only answered "end of file", and the orphan spun at full CPU for ever."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

# The terminal's session leader, as `make run` is: it outlives SIGHUP, waiting for its child.
LEADER = (
    "import signal, subprocess, sys\n"
    "signal.signal(signal.SIGHUP, lambda *_: None)\n"
    "sys.exit(subprocess.call([sys.executable, '-m', 'station']))\n"
)


def test_the_app_ends_within_seconds_when_its_terminal_closes(demo_home, tmp_path):
    home = demo_home(tmp_path / "home", villagers=5)
    pid, master = pty.fork()
    if pid == 0:  # the child: the terminal's session leader
        os.environ.update(STATION_HOME=str(home), TERM="xterm-256color")
        os.execv(sys.executable, [sys.executable, "-c", LEADER])
    try:
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        shown = b""
        deadline = time.monotonic() + 60
        while b"PIN" not in shown and time.monotonic() < deadline:  # the log-in screen is up
            if select.select([master], [], [], 0.5)[0]:
                shown += os.read(master, 65536)
        assert b"PIN" in shown, shown[-500:]
        os.close(master)  # the window is shut
        master = -1
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                return  # the app ended, so its leader did
            time.sleep(0.2)
        raise AssertionError("station still runs 20 s after its terminal closed")
    finally:
        if master >= 0:
            os.close(master)
        try:
            os.killpg(pid, signal.SIGKILL)  # whatever is left of the session
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
