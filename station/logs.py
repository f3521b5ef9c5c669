"""The rotating log file (logs directory / station.log): unexpected errors with tracebacks.

Set up once by the `station` command for its run; nothing happens at import time.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_NAME = "station.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"


class QuietRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log that never writes its own failure onto the terminal.

    logging's default prints "--- Logging error ---" and a traceback on stderr when the file
    cannot be written (a full disk), which would cover the TUI or the CLI's one-line message.
    The record is dropped instead; the message the person sees does not depend on the log."""

    def handleError(self, record: logging.LogRecord) -> None:
        self.failed_records = getattr(self, "failed_records", 0) + 1


def setup_logging(log_dir: Path) -> Path | None:
    """Log to `log_dir/station.log` (1 MB, 5 old files kept); None when it cannot be written.

    A log directory that cannot be created (a full or read-only disk) must not stop the
    counter: the program then runs without a log file.
    """
    logger = logging.getLogger("station")
    path = log_dir / LOG_NAME
    for handler in logger.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = QuietRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(logging.INFO)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path
