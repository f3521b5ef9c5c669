"""Operator PINs: 4–8 digits, stored as scrypt with a per-PIN salt."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

from station.domain.errors import InvalidInput

_PIN = re.compile(r"^[0-9]{4,8}$")
_N, _R, _P = 2**14, 8, 1


def normalise_pin(text: str | None) -> str:
    """What the keyboard sent, as the PIN compared: full-width ０-９ → 0-9, outer spaces dropped.

    Used at set-up and at log-in alike, so a PIN typed with a Chinese IME still matches."""
    text = (text or "").encode("utf-8", "replace").decode("utf-8")  # a lone surrogate: a wrong PIN, not a crash
    return unicodedata.normalize("NFKC", text).strip()


def parse_pin(text: str) -> str:
    pin = normalise_pin(text)
    if not _PIN.match(pin):
        raise InvalidInput("pin.invalid")
    return pin


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(digest.hex(), digest_hex)
