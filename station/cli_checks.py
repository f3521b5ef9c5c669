"""The `station` command's safety net: argument checks, and every failure as one sentence.

Nothing a person types on the command line ends in a traceback: expected failures print their
catalogue message; a database or disk failure is explained; anything else is written to the
rotating log with its traceback and summed up in one sentence.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from station.config import StationConfig
from station.domain.errors import InvalidInput, StationError
from station.i18n.translator import Translator
from station.logs import setup_logging

log = logging.getLogger("station.cli")


def check_args(config: StationConfig, args: argparse.Namespace) -> None:
    """Refuse arguments that name the wrong kind of thing, before any work starts."""
    if config.data_dir.exists() and not config.data_dir.is_dir():
        raise InvalidInput("validation.home_is_file", path=str(config.data_dir))
    out = getattr(args, "out", None)
    if out and args.command == "export":
        target = Path(out)
        if target.exists() and not target.is_dir():
            raise InvalidInput("validation.out_is_file", path=out)
    if out and args.command == "report":
        target = Path(out)
        if target.is_dir():
            raise InvalidInput("validation.out_is_dir", path=out)
        if not target.parent.is_dir():
            raise InvalidInput("validation.out_no_folder", path=out)
    if args.command == "verify" and not Path(args.dir).is_dir():
        raise InvalidInput("validation.not_a_folder", path=args.dir)
    if args.command == "county" and getattr(args, "dirs", None):
        for folder in args.dirs:
            if not Path(folder).is_dir():
                raise InvalidInput("validation.not_a_folder", path=folder)


def run_checked(command: Callable[[StationConfig, argparse.Namespace], int], config, args) -> int:
    from station.services.db_errors import as_station_error

    t = Translator(config.locale)
    log_path = setup_logging(config.log_dir) if not _is_file(config.data_dir) else None
    try:
        check_args(config, args)
        return command(config, args)
    except StationError as error:
        print(f"station: {t.error(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader stopped early (`station … | head`): what it wanted it has
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the exit flush must not fail again
        return 141  # as a shell reports a pipe closed under a writer (128 + SIGPIPE)
    except Exception as error:  # the last line of defence: logged with its traceback, said in one sentence
        explained = as_station_error(error)
        if explained is not None and explained.key == "validation.db_io_error" and _disk_full(config.data_dir):
            explained = InvalidInput("db.full")  # SQLite says "I/O error" when it cannot grow its -shm file
        if explained is not None:
            log.warning("%s: %s", args.command, error)
            print(f"station: {t.error(explained)}", file=sys.stderr)
            return 1
        log.exception("unexpected error in `station %s`", args.command or "run")
        shown = str(log_path) if log_path else str(config.log_dir)
        print(f"station: {t('validation.unexpected', kind=type(error).__name__, log=shown)}", file=sys.stderr)
        return 1


def _disk_full(path: Path) -> bool:
    try:
        stats = os.statvfs(path)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024


def _is_file(path: Path) -> bool:
    return path.exists() and not path.is_dir()
