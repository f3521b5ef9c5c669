"""Operator PINs: 4–8 digits (partners 6–8), stored as scrypt with a per-PIN salt and the
cost parameters written into each hash, so the cost can be raised later and old hashes still
check (they are re-hashed at the next good log-in)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass

from station.domain.errors import InvalidInput

_PIN = re.compile(r"^[0-9]{4,8}$")  # ASCII only: \d also matches other scripts' digits
PARTNER_MIN_DIGITS = 6
_MAX_N_LOG2 = 20  # a stored hash asking for more is refused, not computed (memory bomb)


@dataclass(frozen=True)
class PinCost:
    """scrypt parameters: N = 2**n_log2, r, p. The default takes ≥ 100 ms on the counter PC
    (see benchmarks/pin_hash.py); tests pass a tiny cost."""

    n_log2: int = 15
    r: int = 8
    p: int = 1

    @property
    def n(self) -> int:
        return 2**self.n_log2


DEFAULT_COST = PinCost()


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


def parse_new_pin(text: str, role: str) -> str:
    """A PIN being set for an operator of `role`: partners need at least six digits."""
    pin = parse_pin(text)
    if role == "partner" and len(pin) < PARTNER_MIN_DIGITS:
        raise InvalidInput("access.partner_pin_short", digits=PARTNER_MIN_DIGITS)
    return pin


def pin_too_short(pin: str, role: str) -> bool:
    """An existing PIN that no longer meets the rule for its role (must be changed)."""
    return role == "partner" and len(pin) < PARTNER_MIN_DIGITS


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=256 * r * n + (1 << 20))


def hash_pin(pin: str, cost: PinCost = DEFAULT_COST, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = _scrypt(pin, salt, cost.n, cost.r, cost.p)
    return f"scrypt${cost.n}${cost.r}${cost.p}${salt.hex()}${digest.hex()}"


def _parts(stored: str) -> tuple[int, int, int, bytes, str] | None:
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        values = int(n), int(r), int(p), bytes.fromhex(salt_hex), digest_hex
    except ValueError:
        return None
    if scheme != "scrypt" or values[0] < 2 or values[0] > 2**_MAX_N_LOG2 or not 1 <= values[1] <= 32:
        return None
    if not 1 <= values[2] <= 16:
        return None
    return values


def check_pin(pin: str, stored: str) -> bool:
    parts = _parts(stored)
    if parts is None:
        return False
    n, r, p, salt, digest_hex = parts
    try:
        digest = _scrypt(pin, salt, n, r, p)
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def needs_rehash(stored: str, cost: PinCost) -> bool:
    """True when `stored` is cheaper than `cost` (never downgrades a stronger hash)."""
    parts = _parts(stored)
    if parts is None:
        return True
    n, r, p, _salt, _digest = parts
    return n * r * p < cost.n * cost.r * cost.p
