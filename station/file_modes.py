"""Private files on a shared PC: the database, backups, keys and exports are 0600 (dirs 0700),
and `station check` warns about any that others can read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700


def private_umask() -> int:
    """Called once by the `station` entry point: every file it creates is the user's alone."""
    return os.umask(PRIVATE_UMASK)


def make_private(path: Path) -> Path:
    """0600 for a file, 0700 for a directory (whatever the umask was when it was made)."""
    if path.is_dir():
        path.chmod(DIR_MODE)
    elif path.exists():
        path.chmod(FILE_MODE)
    return path


def write_private_file(path: Path, data: bytes) -> Path:
    """Write beside `path` and rename into place (0600): a full disk leaves no half file, only
    the error. A device or a pipe (`/dev/stdout`) is written to directly: nothing to rename."""
    if not path.is_file() and path.exists():
        path.write_bytes(data)
        return path
    partial = path.with_name(f".{path.name}.partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return make_private(path)


def make_private_tree(root: Path) -> Path:
    make_private(root)
    for path in root.rglob("*"):
        make_private(path)
    return root


def _open_to_others(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def loose_files(*roots: Path) -> list[Path]:
    """Files and directories under `roots` that the group or others can read, write or enter
    (for `station check`: it warns about each one)."""
    found: list[Path] = []
    for root in roots:
        if not root.exists():
            continue
        if _open_to_others(root):
            found.append(root)
        if root.is_dir():
            found += [p for p in sorted(root.rglob("*")) if not p.is_symlink() and _open_to_others(p)]
    return found


def station_loose_files(config) -> list[Path]:
    """For `station check` (issue #18 calls this): the station's own files — data directory
    (database, backups, keys, exports), config and logs — that others can read."""
    roots = [config.data_dir, config.config_file, config.log_dir, config.backup_dir, config.export_dir]
    seen: list[Path] = []
    for path in loose_files(*roots):
        if path not in seen:
            seen.append(path)
    return seen
