"""The ledger checks itself: what `station check` finds, the incremental check at start, the
day-close anchors of the chain's end."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.domain.hashing import canonical_json, chain_hash
from station.services.integrity import ChainBroken, _fields, canonical_row
from station.services.ledger import Line

FRESH = dt.timedelta(0)


def cash_in(services, operator, fen):
    return services.ledger.post(
        "purchase.payment", "x", [Line("cash", fen, "cash"), Line("villager:1", -fen)], operator_id=operator.id
    )


def tamper(config, sql):
    """What a partner's own SQLite tool can do: drop the triggers and write."""
    connection = sqlite3.connect(config.db_path)
    connection.executescript(
        "DROP TRIGGER IF EXISTS ledger_entry_no_update; DROP TRIGGER IF EXISTS ledger_entry_no_delete;"
        "DROP TRIGGER IF EXISTS chain_anchor_no_update; DROP TRIGGER IF EXISTS chain_anchor_no_delete;" + sql
    )
    connection.commit()
    connection.close()


def rehash_everything(config):
    """A careful forger recomputes every hash after an edit, so the chain itself verifies."""
    connection = sqlite3.connect(config.db_path)
    rows = connection.execute(
        "SELECT id, txn, at, business_date, operator_id, kind, ref, account, amount_fen, method, memo,"
        " reverses_txn FROM ledger_entry ORDER BY id"
    ).fetchall()
    prev = "0" * 64
    for row in rows:
        new_hash = chain_hash(prev, _fields(row))
        connection.execute("UPDATE ledger_entry SET prev_hash = ?, hash = ? WHERE id = ?", (prev, new_hash, row[0]))
        prev = new_hash
    connection.commit()
    connection.close()


def keys(report):
    return [problem.key for problem in report.problems]


def test_a_sound_station_checks_ok(services, partner):
    for fen in (100, 200, 300):
        cash_in(services, partner, fen)
    services.day_close.close_day(partner)  # also makes a backup
    report = services.integrity.check(services.backup.backup_age())
    assert report.ok and report.entries == 6


def test_check_finds_a_raw_edit_with_the_triggers_dropped(services, partner, config):
    for fen in (100, 200, 300):
        cash_in(services, partner, fen)
    tamper(config, "UPDATE ledger_entry SET amount_fen = 9000 WHERE id = 3")
    report = services.integrity.check(FRESH)
    assert keys(report) == ["check.chain_broken", "check.unbalanced"] + ["check.guard_missing"] * 4
    assert report.problems[0].values == {"id": 3, "reason_key": "backup.reason.hash"}
    assert report.problems[1].values == {"txn": 2, "total_fen": 8800}
    assert [p.values["trigger"] for p in report.problems[2:]] == [
        "ledger_entry_no_update",
        "ledger_entry_no_delete",
        "chain_anchor_no_update",
        "chain_anchor_no_delete",
    ]


def test_check_finds_a_dropped_guard_before_anything_is_edited(services, partner, config):
    cash_in(services, partner, 100)
    tamper(config, "DROP TRIGGER audit_event_no_delete;")
    assert keys(services.integrity.check(FRESH)) == ["check.guard_missing"] * 5


def test_check_finds_the_station_row_deleted_under_a_ledger(services, partner, config):
    cash_in(services, partner, 100)
    connection = sqlite3.connect(config.db_path)
    connection.execute("DELETE FROM station")
    connection.commit()
    connection.close()
    report = services.integrity.check(FRESH)
    assert keys(report) == ["check.station_missing"] and report.problems[0].values == {"entries": 2}


def test_check_finds_a_tail_deleted_after_a_day_close(services, partner, config, clock):
    for fen in (100, 200, 300):
        cash_in(services, partner, fen)
    services.day_close.close_day(partner)
    clock.advance(days=1)
    cash_in(services, partner, 400)
    tamper(config, "DELETE FROM ledger_entry WHERE id >= 5")  # the last closed posting and all after it
    report = services.integrity.check(FRESH)
    assert "check.chain_broken" not in keys(report)  # a cut tail leaves a chain that verifies...
    assert keys(report)[0] == "check.anchor_missing"  # ...but not the closed day's end
    assert report.problems[0].values == {"date": "2026-11-23", "id": 6}
    assert "check.day_totals" in keys(report)


def test_check_finds_a_rehashed_chain_after_a_day_close(services, partner, config):
    for fen in (100, 200, 300):
        cash_in(services, partner, fen)
    services.day_close.close_day(partner)
    tamper(config, "UPDATE ledger_entry SET amount_fen = amount_fen * 10 WHERE txn = 1")
    rehash_everything(config)
    report = services.integrity.check(FRESH)
    assert "check.chain_broken" not in keys(report)
    assert keys(report)[:2] == ["check.anchor_changed", "check.day_totals"]


def test_check_finds_a_stuck_print_job_and_an_old_backup(services, partner, config):
    cash_in(services, partner, 100)
    job_id = services.printing.print_test_page("王秀英")
    connection = sqlite3.connect(config.db_path)  # print_job is not append-only: no trigger to drop
    connection.execute(f"UPDATE print_job SET status = 'printing' WHERE id = {job_id}")
    connection.commit()
    connection.close()
    report = services.integrity.check(dt.timedelta(days=8))
    assert keys(report) == ["check.print_stuck", "check.backup_old"]
    assert report.problems[0].values["id"] == job_id
    assert keys(services.integrity.check(None)) == ["check.print_stuck", "check.backup_none"]


def test_the_start_check_goes_on_from_the_last_verified_row(services, partner, config):
    for fen in (100, 200):
        cash_in(services, partner, fen)
    first = services.integrity.verify_incremental()
    assert first.ok and first.checked == 4
    cash_in(services, partner, 300)
    second = services.integrity.verify_incremental()
    assert second.ok and second.checked == 3  # the checkpointed line again and the new posting
    tamper(config, "UPDATE ledger_entry SET memo = 'x' WHERE id = 6")
    broken = services.integrity.verify_incremental()
    assert (broken.broken_id, broken.reason) == (6, "hash")
    assert [e.ref for e in services.audit.list(kind="ledger.chain_broken")] == ["ledger:6"]


def test_the_start_check_walks_from_the_start_when_its_checkpoint_is_gone(services, partner, config):
    for fen in (100, 200):
        cash_in(services, partner, fen)
    assert services.integrity.verify_incremental().ok
    tamper(config, "UPDATE ledger_entry SET amount_fen = 7 WHERE id = 1; DELETE FROM ledger_entry WHERE id = 4")
    broken = services.integrity.verify_incremental()
    assert (broken.broken_id, broken.reason) == (1, "hash")


def test_day_close_verifies_the_whole_chain_first(services, partner, config):
    for fen in (100, 200):
        cash_in(services, partner, fen)
    assert services.integrity.verify_incremental().ok
    tamper(config, "UPDATE ledger_entry SET amount_fen = 7 WHERE id = 1")  # before the checkpoint
    with pytest.raises(ChainBroken) as caught:
        services.day_close.close_day(partner)
    assert caught.value.values == {"id": 1, "reason_key": "backup.reason.hash"}
    assert services.audit.list(kind="day.closed") == []


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
MAYBE_INT = st.none() | st.integers(min_value=-(2**63), max_value=2**63 - 1)
ROWS = st.tuples(
    st.integers(1, 2**40),
    st.integers(1, 2**40),
    TEXT | st.integers() | st.none(),  # at: text as stored; anything else takes the general path
    TEXT,
    MAYBE_INT,
    TEXT,
    TEXT,
    TEXT,
    st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.floats(allow_nan=False) | st.booleans(),
    TEXT,
    TEXT | st.none(),
    MAYBE_INT,
)


@settings(max_examples=400, deadline=None)
@given(ROWS)
def test_the_fast_canonical_form_is_the_canonical_json_of_the_entry(row):
    assert canonical_row(row) == canonical_json(_fields(row))


@pytest.mark.new_database
def test_every_append_only_trigger_the_migrations_make_is_in_the_checked_list(services, config):
    from station.db.migrations import APPEND_ONLY_TABLES

    connection = sqlite3.connect(config.db_path)
    names = {n for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    connection.close()
    guarded = {n.rsplit("_no_", 1)[0] for n in names if n.endswith(("_no_update", "_no_delete"))}
    assert guarded == set(APPEND_ONLY_TABLES)
