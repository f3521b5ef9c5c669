"""Read a CSV file and hash its bytes in the same pass: the bytes the csv module parses are
the bytes the SHA-256 covers, and the file is read once."""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path


class HashingReader(io.RawIOBase):
    """A raw binary stream that feeds every byte read through it into a SHA-256."""

    def __init__(self, raw) -> None:
        super().__init__()
        self.raw = raw
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        if n:
            self.digest.update(memoryview(buffer)[:n])
        return n or 0


class HashedCsv:
    """`with HashedCsv(path) as rows:` iterate the rows; then `.sha256()` of the whole file
    (the rest of the file is hashed too if the rows were not read to the end)."""

    def __init__(self, path: Path, buffer: int = 1 << 20) -> None:
        self.path, self.buffer = path, buffer

    def __enter__(self) -> Iterator[list[str]]:
        self._file = self.path.open("rb", buffering=0)
        # a small file gets a small buffer: most of an export's tables are a header line
        self._size = max(1 << 12, min(self.buffer, os.fstat(self._file.fileno()).st_size + 1))
        self._hashing = HashingReader(self._file)
        self._text = io.TextIOWrapper(io.BufferedReader(self._hashing, self._size), encoding="utf-8-sig", newline="")
        return csv.reader(self._text)

    def sha256(self) -> str:
        rest = bytearray(self._size)
        while self._hashing.readinto(rest):
            pass
        return self._hashing.digest.hexdigest()

    def __exit__(self, *exc) -> None:
        self._text.detach()
        self._file.close()
