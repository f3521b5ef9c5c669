"""The tamper matrix: every forgery tried on a signed export is refused, with its reason."""

import base64
import csv
import datetime as dt
import json
import os
import shutil
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from openpyxl import load_workbook

from station.cli import main
from station.db.database import open_database
from station.domain.clock import FixedClock
from station.domain.hashing import chain_hash
from station.domain.orders import ItemLine
from station.domain.tariffs import Tier
from station.services.consignments import SaleLine
from station.services.export_verify import verify
from station.services.exports import MANIFEST, SIGNATURE, read_csv, sha256_of
from station.services.registry import build_services
from station.services.signing import KEY_FILE, StationKey, load_key
from tests.conftest import NOV_23_0900, built_once_per_run, config_for

JIN = 1000


def export_november(services, partner, clock, path):
    """November with a row in every money table, exported and signed into `path`."""
    villager = services.villagers.add(partner, name="张阿姨", phone="13611112222")
    services.shifts.open_shift(partner, 30000)
    order = services.purchases.create(
        partner, villager_id=villager.id, platform="pdd", items=[ItemLine("电饭煲", 1, 15900)], deposit_fen=10000
    ).order
    services.purchases.pay(partner, order.id, 2000, "cash")
    lot = services.consignments.intake(
        partner,
        consignor_id=villager.id,
        product="土鸡蛋",
        grade="一级",
        unit="jin",
        qty_milli=30 * JIN,
        unit_price_fen=900,
        commission_bp=800,
        expires_on=dt.date(2026, 12, 13),
    ).lot
    services.consignments.sell(partner, [SaleLine(lot.id, 5 * JIN)], method="cash")
    services.utilities.add_tariff(
        partner, category="electricity", effective_from=dt.date(2026, 1, 1), tiers=(Tier(None, 5000),)
    )
    services.utilities.record_bill(
        partner, category="electricity", period="2026-10", usage_milli=100_000, billed_fen=6000
    )
    services.settlements.settle(partner, villager.id, dt.date(2026, 11, 23), method="cash")
    clock.advance(hours=8)
    services.shifts.close_shift(partner, counted_cash_fen=30000 + 10000 + 2000 + 4500 - 5150 + 100, diff_note="多一元")
    services.day_close.close_day(partner)
    services.exports.export(partner, "2026-11", path)


@pytest.fixture
def out(tmp_path_factory, station_home, tmp_path):
    """`export_november` of the test's station: built once per run, the station's home and its
    export copied for each test (a test forges its copy)."""

    def build(folder):
        config = config_for(folder / "home")
        db = open_database(config.db_path)
        services = build_services(db, config, FixedClock(NOV_23_0900))
        partner = services.operators.set_up_station(
            station_name="青山村服务站", station_code="ZJ-0317", partner_name="王秀英", pin="123456"
        )
        export_november(services, partner, services.clock, folder / "export")
        db.close()

    built = built_once_per_run(tmp_path_factory, "tampered-export", build)
    shutil.copytree(built / "home", station_home, dirs_exist_ok=True)
    path = shutil.copytree(built / "export", tmp_path / "export")
    assert verify(path) == []
    return path


@pytest.fixture
def station_key(config):
    return load_key(config.data_dir)


def rows_of(path):
    return read_csv(path)


def write_rows(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


def set_cell(out, table, row, column, value):
    """Change one cell consistently in the CSV and in the workbook."""
    rows = rows_of(out / f"{table}.csv")
    col = rows[0].index(column)
    rows[row][col] = value
    write_rows(out / f"{table}.csv", rows)
    workbook = load_workbook(out / "station.xlsx")
    cell = workbook[table].cell(row + 1, col + 1)
    cell.value = float(value) if cell.data_type == "n" and value.replace(".", "").isdigit() else value
    workbook.save(out / "station.xlsx")


def rewrite_manifest(out, key: StationKey | None = None, change=None):
    """Re-hash and re-count every listed file; re-sign with `key` (else keep the old signature)."""
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    for name, entry in manifest["files"].items():
        if (out / name).exists():
            entry["sha256"] = sha256_of(out / name)
            if name.endswith(".csv"):
                try:
                    entry["rows"] = len(rows_of(out / name)) - 1
                except (csv.Error, UnicodeDecodeError):
                    pass  # unreadable: verify will say so
    if change:
        change(manifest)
    if key is not None:
        manifest["public_key"] = key.public_b64
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    if key is not None:
        (out / SIGNATURE).write_text(key.sign((out / MANIFEST).read_bytes()), encoding="ascii")


def forger() -> StationKey:
    return StationKey(Ed25519PrivateKey.generate())


def keys(problems):
    return [p.key for p in problems]


MONEY_CELLS = [
    ("purchases", "total_yuan", "1.00"),
    ("consignment_sales", "amount_yuan", "1.00"),
    ("utility_bills", "excess_yuan", "0.00"),
    ("utility_bills", "payable_yuan", "60.00"),
    ("shifts", "diff_yuan", "0.00"),
    ("settlements", "payout_yuan", "1.00"),
    ("day_closes", "cash_diff_yuan", "0.00"),
    ("ledger", "amount_yuan", "1.00"),
]


@pytest.mark.parametrize("table, column, value", MONEY_CELLS)
def test_a_money_cell_with_a_consistent_manifest_and_workbook_is_refused(out, station_key, table, column, value):
    assert len(rows_of(out / f"{table}.csv")) > 1, f"the fixture must put a row in {table}"
    set_cell(out, table, 1, column, value)
    # the journal's yuan must also follow from its hashed fen: that is named too
    also = ["verify.ledger_yuan"] if table == "ledger" else []
    rewrite_manifest(out)  # hashes and counts all fixed, signature kept
    assert keys(verify(out, station_key.public_b64)) == ["verify.bad_signature", *also]
    rewrite_manifest(out, forger())  # ... or signed again by someone else's key
    assert keys(verify(out, station_key.public_b64)) == ["verify.key_mismatch", *also]


def test_the_ledger_tail_cut_is_refused(out, station_key):
    rows = rows_of(out / "ledger.csv")
    write_rows(out / "ledger.csv", rows[:-1])
    rewrite_manifest(out)
    problems = keys(verify(out, station_key.public_b64))
    assert problems[0] == "verify.bad_signature" and "verify.chain_end" in problems
    # the station's own key cannot hide it either: the manifest's closing hash is the real one
    rewrite_manifest(out, station_key)
    assert "verify.chain_end" in keys(verify(out, station_key.public_b64))


def rehash_chain(out, change_row: int):
    """Alter a ledger amount and recompute every hash after it (a whole new, valid chain)."""
    rows = rows_of(out / "ledger.csv")
    header, body = rows[0], rows[1:]
    body[change_row][header.index("amount_fen")] = str(int(body[change_row][header.index("amount_fen")]) + 100)
    prev = body[0][header.index("prev_hash")]
    for raw in body:
        row = dict(zip(header, raw, strict=True))
        fields = {k: row[k] for k in ("at", "business_date", "kind", "ref", "account", "method", "memo")}
        for k in ("id", "txn", "operator_id", "amount_fen", "reverses_txn"):
            fields[k] = int(row[k]) if row[k] else None
        raw[header.index("prev_hash")] = prev
        raw[header.index("hash")] = prev = chain_hash(prev, fields)
    write_rows(out / "ledger.csv", [header, *body])
    return prev


def test_a_rehashed_chain_is_refused(out, station_key):
    last = rehash_chain(out, 0)
    workbook_and_manifest = lambda m: m["ledger"].__setitem__("last_hash", last)  # noqa: E731
    rewrite_manifest(out, change=workbook_and_manifest)
    problems = keys(verify(out, station_key.public_b64))
    assert problems[0] == "verify.bad_signature"
    rewrite_manifest(out, forger(), workbook_and_manifest)
    assert keys(verify(out, station_key.public_b64))[0] == "verify.key_mismatch"


def test_station_code_and_period_relabelled_are_refused(out, station_key):
    rewrite_manifest(out, change=lambda m: m["station"].__setitem__("code", "ZJ-0001"))
    assert keys(verify(out)) == ["verify.bad_signature"]
    # relabelling the period, even re-signed with the station's own key: the rows' dates betray it
    rewrite_manifest(
        out, station_key, lambda m: (m["station"].__setitem__("code", "ZJ-0317"), m.update(period="2026-12"))
    )
    problems = keys(verify(out, station_key.public_b64))
    assert "verify.out_of_period" in problems and "verify.bad_signature" not in problems


def test_an_extra_or_missing_file_is_refused(out, station_key):
    (out / "notes.txt").write_text("hello", encoding="utf-8")
    assert keys(verify(out, station_key.public_b64)) == ["verify.unlisted_file"]
    (out / "notes.txt").unlink()
    (out / "complaints.csv").unlink()
    assert keys(verify(out, station_key.public_b64)) == ["verify.missing_file"]


@pytest.mark.parametrize(
    "content",
    [b"", b"{", b"[]", b'{"format": 2}', b"\xff\xfe garbage", json.dumps({"format": 1}).encode()],
)
def test_a_malformed_manifest_is_named(out, content):
    (out / MANIFEST).write_bytes(content)
    assert keys(verify(out)) == ["verify.bad_manifest"]


def test_a_key_swap_is_refused(out, station_key):
    other = forger()
    rewrite_manifest(out, other)  # nothing else changed: a valid signature by the wrong key
    assert verify(out) == []  # on its own the folder is consistent ...
    assert keys(verify(out, station_key.public_b64)) == ["verify.key_mismatch"]  # ... not the enrolled key


def test_malformed_content_is_named_never_a_traceback(out, station_key, capsys):
    set_cell(out, "purchases", 1, "total_yuan", "lots")
    rewrite_manifest(out, station_key)
    assert [(p.key, p.values.get("column")) for p in verify(out)] == [("verify.bad_cell", "total_yuan")]
    (out / "parcels.csv").write_bytes(b"\xff\xfe\x00junk")
    rewrite_manifest(out, station_key)
    assert "verify.bad_csv" in keys(verify(out))
    (out / "station.xlsx").write_bytes(b"PK not a zip")
    rewrite_manifest(out, station_key)
    assert "verify.bad_workbook" in keys(verify(out))
    (out / SIGNATURE).write_bytes(b"\x00\x01")
    assert main(["verify", str(out)]) == 1
    assert "Traceback" not in capsys.readouterr().out


def test_a_ledger_row_with_too_few_cells_is_named(out, station_key):
    rows = rows_of(out / "ledger.csv")
    rows[1] = rows[1][:3]
    write_rows(out / "ledger.csv", rows)
    rewrite_manifest(out, station_key)
    assert keys(verify(out))[0] == "verify.bad_row"


def test_the_key_file_is_private_and_station_key_shows_it(out, config, capsys):
    path = config.data_dir / KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert main(["key"]) == 0
    shown = capsys.readouterr().out
    key = load_key(config.data_dir)
    assert key.public_b64 in shown and key.fingerprint in shown
    assert len(base64.b64decode(key.public_b64)) == 32
    assert main(["verify", str(out), "--key", key.public_b64]) == 0
    assert key.fingerprint in capsys.readouterr().out


def test_xlsx_text_needs_no_quote_prefix_but_the_csv_keeps_its_guard(services, partner, tmp_path):
    villager = services.villagers.add(partner, name="=张", phone="13611112222")
    services.purchases.create(partner, villager_id=villager.id, platform="pdd", items=[ItemLine("x", 1, 100)])
    path = tmp_path / "e"
    services.exports.export(partner, "2026-11", path, masked=False)
    assert rows_of(path / "purchases.csv")[1][2] == "'=张"
    assert load_workbook(path / "station.xlsx")["purchases"].cell(2, 3).value == "=张"
    assert verify(path) == []


CORRUPTIONS = [
    lambda b: b[: len(b) // 2],  # cut mid-row
    lambda b: b.replace(b",", b'"', 3),  # stray quotes
    lambda b: b + b"\x00\x00,,,\r\n",  # NUL bytes and an empty row
    lambda b: b + b"x" * 200_000 + b"\r\n",  # a field beyond the CSV limit
    lambda b: b"\xef\xbb\xbf" + b"\r\n".join(b.split(b"\r\n")[:1]),  # header only
    lambda b: b.replace(b"-", b"\xe2\x80\x94", 5),  # dashes become em dashes (dates, amounts)
]


@pytest.mark.parametrize("name", ["ledger.csv", "utility_bills.csv", "tariffs.csv", "purchases.csv", "shifts.csv"])
def test_corrupted_content_signed_by_the_station_is_named_never_raised(out, station_key, name, tmp_path):
    """Even the station's own key cannot get malformed content past verify or county load."""
    from station.services.county import connect_county, enrol, load_one

    original = (out / name).read_bytes()
    url = str(tmp_path / "county.db")
    db = connect_county(url)
    enrol(db, "ZJ-0317", station_key.public_b64, dt.datetime(2027, 1, 1))
    for number, corrupt in enumerate(CORRUPTIONS):
        (out / name).write_bytes(corrupt(original))
        rewrite_manifest(out, station_key)
        problems = verify(out, station_key.public_b64)
        outcome = load_one(db, out, dt.datetime(2027, 1, 1))
        if corrupt(original) != original:
            assert problems, (name, number)
            assert outcome.refused and outcome.key == problems[0].key, (name, number)
    db.close()


def test_county_refuses_signed_content_it_cannot_recompute(out, station_key, tmp_path):
    from station.services.county import connect_county, enrol, load_one

    set_cell(out, "tariffs", 1, "tiers", "[[1, 2, 3")
    rewrite_manifest(out, station_key)
    assert verify(out, station_key.public_b64) == []  # well-formed text, signed
    db = connect_county(str(tmp_path / "county.db"))
    enrol(db, "ZJ-0317", station_key.public_b64, dt.datetime(2027, 1, 1))
    outcome = load_one(db, out, dt.datetime(2027, 1, 1))
    assert (outcome.status, outcome.key) == ("refused", "county.bad_content")
    db.close()


@pytest.mark.parametrize(
    "table, column, value",
    [
        ("consignment_sales", "qty_milli", "\u0665\u0660\u0660\u0660"),  # Arabic-Indic digits
        ("consignment_sales", "qty_milli", "\uff15\uff10\uff10\uff10"),  # full-width digits
        ("purchases", "total_yuan", "1.00\n"),  # a trailing newline inside the quoted cell
        ("tariffs", "effective_from", "2026-W01-4"),  # an ISO week date, 10 characters
        ("purchases", "created_at", "2026-11-20T09:00:00+08:00"),  # an offset
    ],
)
def test_a_cell_the_station_never_writes_is_refused_even_signed_by_it(out, station_key, table, column, value, tmp_path):
    from station.services.county import connect_county, enrol, load_one

    rows = rows_of(out / f"{table}.csv")
    rows[1][rows[0].index(column)] = value
    write_rows(out / f"{table}.csv", rows)
    rewrite_manifest(out, station_key)
    problems = verify(out, station_key.public_b64)
    assert keys(problems) == ["verify.bad_cell"] and problems[0].values["column"] == column
    db = connect_county(str(tmp_path / "county.db"))
    enrol(db, "ZJ-0317", station_key.public_b64, dt.datetime(2027, 1, 1))
    outcome = load_one(db, out, dt.datetime(2027, 1, 1))
    assert (outcome.status, outcome.key) == ("refused", "verify.bad_cell")
    db.close()
