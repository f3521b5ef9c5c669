"""The station's Ed25519 key: made at set-up, kept with the data (0600), signs every export.

The county enrols the public key (base64 of its 32 raw bytes); the fingerprint is what a
person reads out on the phone: the first 16 hex digits of its SHA-256, in groups of four.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from station.domain.errors import InvalidInput

KEY_FILE = "station-signing.key"  # in the data dir, next to the database; backups must include it


def fingerprint(public_key_b64: str) -> str:
    digest = hashlib.sha256(public_key_b64.strip().encode("ascii")).hexdigest()[:16].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A base64 public key as shown by `station key`; anything else is refused by name."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise InvalidInput("signing.bad_public_key", text=text[:60]) from None


def signature_ok(public_key_b64: str, signature_b64: str, data: bytes) -> bool:
    try:
        key = parse_public_key(public_key_b64)
        key.verify(base64.b64decode(signature_b64.strip(), validate=True), data)
    except (InvalidInput, InvalidSignature, binascii.Error, ValueError):
        return False
    return True


@dataclass(frozen=True)
class StationKey:
    private: Ed25519PrivateKey

    @property
    def public_b64(self) -> str:
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_b64)

    def sign(self, data: bytes) -> str:
        return base64.b64encode(self.private.sign(data)).decode("ascii")


def key_path(data_dir: Path) -> Path:
    return data_dir / KEY_FILE


def load_key(data_dir: Path) -> StationKey | None:
    path = key_path(data_dir)
    if not path.is_file():
        return None
    try:
        raw = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
        return StationKey(Ed25519PrivateKey.from_private_bytes(raw))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidInput("signing.bad_key_file", path=str(path)) from None


def ensure_key(data_dir: Path) -> StationKey:
    """The station's key; made (owner-only, 0600) the first time it is needed."""
    existing = load_key(data_dir)
    if existing:
        return existing
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    data_dir.mkdir(parents=True, exist_ok=True)
    path = key_path(data_dir)
    temp = path.with_name(path.name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(base64.b64encode(raw).decode("ascii") + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temp, 0o600)
    try:
        os.link(temp, path)  # never half a key, and never a second key over one in use
    except FileExistsError:
        return load_key(data_dir) or StationKey(private)
    finally:
        temp.unlink()
    return StationKey(private)
