"""A load's postings (each txn's last chained hash and amount, for `check-receipt`) written in
one statement per thousand on PostgreSQL, one executemany on SQLite: built row by row by the
ORM they cost ~70 ms an export of 1,000 postings, more than COPY of its 10,000 rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from peewee import Database

from station.db.county_models import CountyPosting
from station.services.county_checks import PostingProof
from station.services.county_schema import is_postgres

PAGE = 1000  # rows per INSERT on PostgreSQL
COLUMNS = ("station_code", "period", "txn", "hash", "amount_fen", "kind", "reversed_by")


def insert_postings(
    db: Database, code: str, period: str, proofs: Sequence[PostingProof], reversed_by: Mapping[int, int]
) -> None:
    rows = [(code, period, p.txn, p.hash, p.amount_fen, p.kind, reversed_by.get(p.txn)) for p in proofs]
    if not rows:
        return
    into = f'INSERT INTO "{CountyPosting._meta.table_name}" ({", ".join(COLUMNS)})'
    cursor = db.cursor()
    if is_postgres(db):
        from psycopg2.extras import execute_values  # only on PostgreSQL (the `postgres` extra)

        execute_values(cursor, into + " VALUES %s", rows, page_size=PAGE)
    else:
        cursor.executemany(into + f" VALUES ({', '.join('?' * len(COLUMNS))})", rows)
