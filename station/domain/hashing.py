"""The ledger hash chain: hash = sha256(prev_hash + canonical JSON of the entry)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical_json(fields: Mapping[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """Where a chain stops verifying: the entry id and what is wrong with it."""

    entry_id: int
    reason: str  # "prev_hash" (link broken) or "hash" (entry altered)


def find_break(
    entries: Iterable[tuple[int, str, str, Mapping[str, Any]]], start_prev: str = GENESIS
) -> ChainBreak | None:
    """Walk (id, prev_hash, hash, fields) in order; return the first broken link, if any."""
    expected_prev = start_prev
    for entry_id, prev_hash, stored_hash, fields in entries:
        if prev_hash != expected_prev:
            return ChainBreak(entry_id, "prev_hash")
        if chain_hash(prev_hash, fields) != stored_hash:
            return ChainBreak(entry_id, "hash")
        expected_prev = stored_hash
    return None
