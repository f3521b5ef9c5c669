"""A load's postings (each txn's last chained hash and amount, for `check-receipt`) written in
bulk: COPY on PostgreSQL, one executemany on SQLite. Built row by row by the ORM they cost
~70 ms an export of 1,000 postings, more than COPY of its 10,000 rows; a multi-row INSERT still
~35 ms, COPY ~10 ms."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from peewee import Database

from station.db.county_models import CountyPosting
from station.services.county_checks import PostingProof
from station.services.county_schema import is_postgres

COLUMNS = ("station_code", "period", "txn", "hash", "amount_fen", "kind", "reversed_by")


def insert_postings(
    db: Database, code: str, period: str, proofs: Sequence[PostingProof], reversed_by: Mapping[int, int]
) -> None:
    rows = [(code, period, p.txn, p.hash, p.amount_fen, p.kind, reversed_by.get(p.txn)) for p in proofs]
    if not rows:
        return
    table, columns = f'"{CountyPosting._meta.table_name}"', ", ".join(COLUMNS)
    cursor = db.cursor()
    if is_postgres(db):
        # Every text quoted (an empty kind stays '', not NULL); a missing reversal is written ""
        # and FORCE_NULL makes it NULL.
        buffer = io.StringIO()
        csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(rows)
        buffer.seek(0)
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NULL (reversed_by))", buffer)
    else:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(COLUMNS))})", rows)
