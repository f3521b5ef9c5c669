import csv
import datetime as dt
import json
import re

import pytest
from openpyxl import load_workbook

from station.db.models import AuditEvent
from station.db.oversight_models import ExportRecord
from station.domain.errors import InvalidInput, NotAllowed
from station.domain.orders import ItemLine
from station.services.export_verify import verify
from station.services.exports import read_csv
from station.services.ledger import Line
from tests.conftest import NOV_23_0900

PHONE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture
def month(services, partner, clock):
    """A little of everything in November, with a formula-looking memo."""
    villager = services.villagers.add(partner, name="张阿姨", phone="13611112222")
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    parcel = services.parcels.check_in(partner, "SF1234567890123", batch_id=batch.id).parcel
    services.parcels.set_recipient(partner, parcel.id, villager_id=villager.id)
    order = services.purchases.create(
        partner,
        villager_id=villager.id,
        platform="pdd",
        items=[ItemLine('=HYPERLINK("x")', 1, 15900)],
        deposit_fen=10000,
    ).order
    clock.advance(days=1)
    posting = services.ledger.post(
        "purchase.payment",
        f"purchase:{order.id}",
        [Line("cash", 500, "cash"), Line(f"villager:{villager.id}", -500)],
        operator_id=partner.id,
    )
    services.ledger.reverse(posting.txn, "=1+1 typed by mistake", partner)
    services.ledger.post(
        "counter.adjust",
        "memo:odd",
        [Line("cash", 100, "cash", "pasted\x0bfrom a label _x0041_"), Line("income:other", -100)],
        operator_id=partner.id,
    )
    return villager


def export(services, partner, tmp_path, **kw):
    out = tmp_path / "export"
    services.exports.export(partner, "2026-11", out, **kw)
    return out


def test_export_verifies_and_is_excel_safe(services, partner, month, tmp_path):
    out = export(services, partner, tmp_path)
    assert verify(out) == []
    raw = (out / "purchases.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    ledger = read_csv(out / "ledger.csv")
    memos = [row[10] for row in ledger[1:]]
    assert "'=1+1 typed by mistake" in memos
    assert "pasted\x0bfrom a label _x0041_" in memos  # kept, in the CSV and (escaped) in the XLSX
    amounts = [row[8] for row in ledger[1:]]
    assert "-500" in amounts  # numbers are not neutralised
    workbook = load_workbook(out / "station.xlsx")
    sheet = workbook["purchases"]
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(2, 10).value == 161 and sheet.cell(2, 10).number_format == "0.00"
    assert isinstance(sheet.cell(2, 2).value, dt.datetime)
    assert ExportRecord.select().count() == 1


def test_no_unmasked_phone_number_in_a_default_export(services, partner, month, tmp_path):
    out = export(services, partner, tmp_path)
    for path in out.glob("*.csv"):
        assert not PHONE.search(path.read_text(encoding="utf-8-sig")), path.name
    assert "136****2222" in (out / "parcels.csv").read_text(encoding="utf-8-sig")
    assert "张*" in (out / "parcels.csv").read_text(encoding="utf-8-sig")


def test_unmasked_export_needs_partner_or_auditor_and_is_logged(services, partner, assistant, month, tmp_path):
    with pytest.raises(NotAllowed):
        services.exports.export(assistant, "2026-11", tmp_path / "a", masked=False)
    out = export(services, partner, tmp_path, masked=False)
    assert "13611112222" in (out / "parcels.csv").read_text(encoding="utf-8-sig")
    assert AuditEvent.select().where(AuditEvent.kind == "export.unmasked").count() == 1


def rewrite(path, change):
    rows = read_csv(path)
    change(rows)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


def edit_cell(rows):
    rows[2][8] = str(int(rows[2][8]) + 1)


def delete_row(rows):
    del rows[2]


def swap_rows(rows):
    rows[1], rows[2] = rows[2], rows[1]


@pytest.mark.parametrize(
    "change, key",
    [(edit_cell, "verify.chain_hash"), (delete_row, "verify.chain_link"), (swap_rows, "verify.chain_link")],
)
def test_tampering_with_the_journal_is_found_even_with_a_fixed_manifest(
    services, partner, month, tmp_path, change, key
):
    out = export(services, partner, tmp_path)
    rewrite(out / "ledger.csv", change)
    keys = [p.key for p in verify(out)]
    assert "verify.sha_mismatch" in keys and key in keys
    # a tamperer who also rewrites the manifest's hash and row count is still caught by the chain
    import json

    from station.services.exports import sha256_of

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["ledger.csv"] = {
        "sha256": sha256_of(out / "ledger.csv"),
        "rows": len(read_csv(out / "ledger.csv")) - 1,
    }
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert key in [p.key for p in verify(out)]


def test_tampering_with_another_csv_or_the_workbook_is_found(services, partner, month, tmp_path):
    out = export(services, partner, tmp_path)
    rewrite(out / "purchases.csv", lambda rows: rows[1].__setitem__(9, "1.00"))
    workbook = load_workbook(out / "station.xlsx")
    workbook["parcels"].cell(2, 2).value = "SF0000000000000"
    workbook.save(out / "station.xlsx")
    problems = verify(out)
    assert {("verify.sha_mismatch", p.values.get("file")) for p in problems if p.key == "verify.sha_mismatch"} == {
        ("verify.sha_mismatch", "purchases.csv"),
        ("verify.sha_mismatch", "station.xlsx"),
    }
    assert any(p.key == "verify.sheet_cell" and p.values["sheet"] == "parcels" for p in problems)


def test_bad_period_and_non_empty_dir(services, partner, tmp_path):
    with pytest.raises(InvalidInput):
        services.exports.export(partner, "2026-13", tmp_path / "x")
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "old.csv").write_text("x")
    with pytest.raises(InvalidInput):
        services.exports.export(partner, "2026-11", tmp_path / "y")


def test_business_dates_never_go_backwards(services, partner, clock):
    services.ledger.post("x", "", [Line("cash", 1), Line("y", -1)], operator_id=partner.id)
    clock.advance(days=-3)  # someone set the clock back
    posting = services.ledger.post("x", "", [Line("cash", 1), Line("y", -1)], operator_id=partner.id)
    assert posting.business_date == dt.date(2026, 11, 23)


def test_a_month_that_has_not_begun_is_refused_and_nothing_is_written(services, partner, clock, tmp_path):
    coming = f"{clock.now().year + (clock.now().month == 12)}-{clock.now().month % 12 + 1:02d}"
    with pytest.raises(InvalidInput) as caught:
        services.exports.export(partner, coming, tmp_path / "out")
    assert caught.value.key == "export.future_period"
    assert not (tmp_path / "out").exists()


def test_balances_carry_over_from_the_months_before(services, partner, clock, tmp_path):
    """The opening balances are the history's sums, the running balance column starts from
    them, and the closing balances are the opening plus the month (an account with no entry
    in the month keeps its opening; one first used in the month opens at nothing)."""
    november = clock.now()
    clock.at = dt.datetime(2026, 9, 30, 9)
    services.ledger.post("counter.adjust", "a", [Line("cash", 700, "cash"), Line("income:other", -700)], operator_id=1)
    clock.at = dt.datetime(2026, 10, 31, 20)
    services.ledger.post("counter.adjust", "b", [Line("cash", 300, "cash"), Line("villager:9", -300)], operator_id=1)
    clock.at = november
    services.ledger.post("counter.adjust", "c", [Line("cash", -250, "cash"), Line("deposit:1", 250)], operator_id=1)
    out = export(services, partner, tmp_path)
    assert verify(out) == []
    ledger = json.loads((out / "manifest.json").read_text())["ledger"]
    assert ledger["opening_balances_fen"] == {"cash": 1000, "income:other": -700, "villager:9": -300}
    assert ledger["closing_balances_fen"] == {"cash": 750, "deposit:1": 250, "income:other": -700, "villager:9": -300}
    [header, *rows] = read_csv(out / "ledger.csv")
    running = {row[header.index("account")]: row[header.index("account_balance_yuan")] for row in rows}
    assert running == {"cash": "7.50", "deposit:1": "2.50"}


def forge(services, out, change_rows=None, change_manifest=None):
    """What the station's partner, who holds its signing key, could send: the journal's CSV or
    the manifest changed, the manifest's hashes brought up to date and signed again."""
    from station.services.exports import sha256_of
    from station.services.signing import ensure_key

    if change_rows:
        rewrite(out / "ledger.csv", change_rows)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    if change_manifest:
        change_manifest(manifest["ledger"])
    manifest["files"]["ledger.csv"]["sha256"] = sha256_of(out / "ledger.csv")
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    key = ensure_key(services.exports.key_dir)
    (out / "manifest.sig").write_text(key.sign((out / "manifest.json").read_bytes()) + "\n", encoding="ascii")
    return [p.key for p in verify(out)]


def shift_cash(ledger):
    ledger["opening_balances_fen"]["cash"] += 10000
    ledger["closing_balances_fen"]["cash"] += 10000


def yuan_cell(column, text):
    def change(rows):
        rows[1][rows[0].index(column)] = text

    return change


@pytest.mark.parametrize(
    "change_rows, change_manifest",
    [
        (yuan_cell("amount_yuan", "999.99"), None),  # the yuan a person reads, not the fen hashed
        (yuan_cell("account_balance_yuan", "999.99"), None),
        (None, shift_cash),  # opening and closing moved together: they still add up
    ],
)
def test_a_signed_journal_whose_yuan_do_not_follow_from_its_fen_is_refused(
    services, partner, clock, tmp_path, change_rows, change_manifest
):
    """The yuan columns are outside each row's hash, and opening + month = closing holds for any
    opening: the running balance column, which starts from the true opening, must agree too."""
    clock.at = dt.datetime(2026, 10, 31, 20)
    services.ledger.post("counter.adjust", "b", [Line("cash", 300, "cash"), Line("villager:9", -300)], operator_id=1)
    clock.at = NOV_23_0900
    services.ledger.post("counter.adjust", "c", [Line("cash", -250, "cash"), Line("deposit:1", 250)], operator_id=1)
    out = export(services, partner, tmp_path)
    assert forge(services, out) == []  # signing again alone changes nothing
    assert forge(services, out, change_rows, change_manifest) == ["verify.ledger_yuan"]


@pytest.mark.parametrize(
    "picked_up",
    [
        "2026-11-23 23:59:59.999999",  # stored so (an older version, a hand): the workbook rounded it to the next day
        "2026-11-23 10:00:00.123456",  # a moment the workbook cannot hold to the microsecond
        "2026-11-23 10:00:00.250000",  # one it can: still a date-time cell
    ],
)
def test_an_honest_export_passes_the_deep_check_whatever_its_times_and_line_ends(
    services, partner, tmp_path, picked_up
):
    """`verify --deep` reads every workbook cell back: a carriage return in a memo (XML reads it
    as a line feed) and a time with microseconds (a spreadsheet holds milliseconds) come back as
    the CSV has them."""
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    parcel = services.parcels.check_in(partner, "SF1234567890123", batch_id=batch.id).parcel
    services.db.execute_sql("UPDATE parcel SET picked_up_at = ? WHERE id = ?", (picked_up, parcel.id))
    services.ledger.post(
        "counter.adjust",
        "memo:crlf",
        [Line("cash", 100, "cash", "two\r\nlines\r"), Line("income:other", -100)],
        operator_id=partner.id,
    )
    out = export(services, partner, tmp_path)
    assert verify(out, deep=True) == []
    [header, row] = read_csv(out / "parcels.csv")
    assert row[header.index("picked_up_at")] == picked_up
