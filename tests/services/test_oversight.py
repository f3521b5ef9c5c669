import datetime as dt
import sqlite3
import threading

import pytest

from station.db.models import DayClose, PrintJob
from station.domain.errors import InvalidInput, NotAllowed, StationError
from station.services.day_close import z_report
from station.services.ledger import DayClosed, Line
from tests.printing.decode import decode


def cash_in(services, operator, fen, kind="purchase.payment"):
    return services.ledger.post(
        kind, "x", [Line("cash", fen, "cash"), Line("villager:1", -fen)], operator_id=operator.id
    )


def test_shift_close_without_difference_and_handover_by_pin(services, partner, assistant, clock):
    services.shifts.open_shift(partner, 30000)
    cash_in(services, partner, 54300)
    services.ledger.post(
        "x", "y", [Line("wechat", 10000, "wechat"), Line("villager:1", -10000)], operator_id=partner.id
    )
    clock.advance(hours=8)
    handover = services.shifts.close_shift(
        partner, counted_cash_fen=84300, next_operator_id=assistant.id, next_pin="5678", handover_note="两件包裹待通知"
    )
    assert handover.closed.diff_fen == 0 and handover.closed.expected_cash_fen == 84300
    assert handover.closed.by_method["wechat"] == 10000
    assert handover.next_shift.operator_id == assistant.id and handover.next_shift.opening_cash_fen == 84300
    printed = decode(bytes(PrintJob.get_by_id(handover.job_id).payload))
    assert "交接班记录" in printed.text and "小李" in printed.text


def test_shift_close_with_a_difference_needs_a_note(services, partner, assistant):
    services.shifts.open_shift(partner, 30000)
    cash_in(services, partner, 54300)
    with pytest.raises(InvalidInput) as caught:
        services.shifts.close_shift(partner, counted_cash_fen=84250)
    assert caught.value.key == "shift.diff_needs_note"
    closed = services.shifts.close_shift(partner, counted_cash_fen=84250, diff_note="找零少收五毛")
    assert closed.closed.diff_fen == -50


def test_handover_with_a_wrong_pin_closes_nothing(services, partner, assistant):
    services.shifts.open_shift(partner, 0)
    with pytest.raises(StationError):
        services.shifts.close_shift(partner, counted_cash_fen=0, next_operator_id=assistant.id, next_pin="0000")
    assert services.shifts.current() is not None


def test_day_close_locks_the_date_and_backs_up(services, partner, clock, config):
    cash_in(services, partner, 5000)
    report, job_id, backup = services.day_close.close_day(partner)
    assert report.by_kind == {"purchase.payment": 5000} and report.postings == 1
    assert integrity_ok(backup.path) and backup.path.parent == config.backup_dir
    with pytest.raises(DayClosed):
        cash_in(services, partner, 100)
    with pytest.raises(NotAllowed):
        services.day_close.close_day(partner)
    clock.advance(days=1)
    cash_in(services, partner, 100)  # the next day is open
    assert "日结报表（Z）" in decode(bytes(PrintJob.get_by_id(job_id).payload)).text
    assert z_report(dt.date(2026, 11, 23)).closed


def test_day_close_is_partner_only_and_needs_shifts_closed(services, partner, assistant):
    with pytest.raises(NotAllowed):
        services.day_close.close_day(assistant)
    services.shifts.open_shift(partner, 0)
    with pytest.raises(NotAllowed) as caught:
        services.day_close.close_day(partner)
    assert caught.value.key == "dayclose.shift_open"
    assert DayClose.select().count() == 0


def test_backup_while_a_writer_is_active_has_every_committed_row(services, partner, config):
    committed = []
    stop = threading.Event()

    def writer():
        from station.db.database import open_database
        from station.services.registry import build_services

        own = build_services(open_database(config.db_path), config, services.clock)
        while not stop.is_set() and len(committed) < 300:
            committed.append(cash_in(own, partner, 1).txn)

    thread = threading.Thread(target=writer)
    thread.start()
    while len(committed) < 50:
        pass
    before = set(committed)  # committed before the backup began: all must be in it
    backup = services.day_close.backup(partner)
    stop.set()
    thread.join()
    assert integrity_ok(backup.path)
    copy = sqlite3.connect(backup.path)
    in_backup = {row[0] for row in copy.execute("SELECT DISTINCT txn FROM ledger_entry")}
    copy.close()
    assert before <= in_backup and len(before) >= 50


def integrity_ok(path):
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()


def test_complaint_register_and_close(services, partner):
    villager = services.villagers.add(partner, name="王大妈", phone="13512345678")
    complaint = services.complaints.register(
        partner,
        channel="in_person",
        category="parcel_damaged",
        text="包裹外箱压坏",
        villager_id=villager.id,
        parcel_id=None,
    )
    assert services.complaints.tile().rows[0][1] == "1"
    services.complaints.add_step(partner, complaint.id, "联系中通快递员")
    closed = services.complaints.close(partner, complaint.id, "快递公司赔付 20 元")
    assert closed.status == "closed" and len(closed.steps) == 1 and closed.hours_to_resolve == 0.0
    with pytest.raises(NotAllowed):
        services.complaints.close(partner, complaint.id, "again")
    with pytest.raises(InvalidInput):
        services.complaints.register(partner, channel="in_person", category="nonsense", text="x")
