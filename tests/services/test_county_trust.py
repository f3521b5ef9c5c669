"""What the county can prove: enrolled keys, months anchored to one another, utility caps
recomputed, and a villager's paper receipt checked against the loaded exports."""

import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from station.cli import main
from station.db.county_models import CountyEvent, CountyLoad, CountyPosting, CountyUtility
from station.db.models import LedgerEntry, PrintJob
from station.db.utility_models import UtilityBill
from station.domain.hashing import chain_hash
from station.domain.orders import ItemLine
from station.domain.tariffs import Tier
from station.services.county import check_receipt, connect_county, enrol, flags_for
from station.services.county_batch import load_many
from station.services.exports import read_csv
from station.services.ledger import Line
from station.services.signing import load_key
from tests.printing.decode import decode
from tests.services.test_export_tamper import rewrite_manifest, write_rows

NOW = dt.datetime(2027, 1, 5, 9, 0)


def cash(services, partner, fen, ref="sale"):
    return services.ledger.post(
        "counter.adjust", ref, [Line("cash", fen, "cash"), Line("income:other", -fen)], operator_id=partner.id
    )


@pytest.fixture
def months(services, partner, clock, config, tmp_path):
    """September, October and November of one station, each with postings, each exported."""
    clock.advance(days=-80)  # early September
    dirs = {}
    for label in ("2026-09", "2026-10", "2026-11"):
        cash(services, partner, 1000)
        cash(services, partner, 2000)
        dirs[label] = tmp_path / label
        clock.advance(days=30)
        services.exports.export(partner, label, dirs[label])
    return dirs


@pytest.fixture(params=["sqlite", "postgresql"])
def county(request, tmp_path, config):
    url = str(tmp_path / "county.db") if request.param == "sqlite" else request.getfixturevalue("postgres")
    db = connect_county(url)
    enrol(db, "ZJ-0317", load_key(config.data_dir).public_b64, NOW)
    db.close()
    return url


def statuses(outcomes):
    return [(o.period, o.status, o.key) for o in outcomes]


def test_months_are_anchored_one_to_the_next(months, county):
    sep, octo, nov = months["2026-09"], months["2026-10"], months["2026-11"]
    assert statuses(load_many(county, [nov, sep], NOW)) == [
        ("2026-09", "loaded", "county.loaded"),
        ("2026-11", "refused", "county.gap"),  # October missing: a gap is refused
    ]
    assert statuses(load_many(county, [nov, octo], NOW)) == [  # loaded oldest first
        ("2026-10", "loaded", "county.loaded"),
        ("2026-11", "loaded", "county.loaded"),
    ]
    db = connect_county(county)
    loads = {r.period: r for r in CountyLoad.select()}
    assert loads["2026-09"].closing_hash == loads["2026-10"].opening_hash
    assert loads["2026-10"].closing_hash == loads["2026-11"].opening_hash
    db.close()


def test_a_gap_accepted_by_replace_does_not_claim_to_replace_anything(months, county):
    load_many(county, [months["2026-09"]], NOW)
    accepted = load_many(county, [months["2026-11"]], NOW, replace_reason="October's USB stick was lost")
    assert statuses(accepted) == [("2026-11", "replaced", "county.loaded_accepted")]  # not "county.loaded_replaced"
    assert statuses(load_many(county, [months["2026-10"]], NOW)) == [("2026-10", "loaded", "county.loaded")]


def rewrite_history(directory, key):
    """The station rewrote the past and re-exported October, signed with its own key: the
    chain is valid in itself but starts from a different September."""
    rows = read_csv(directory / "ledger.csv")
    header, body = rows[0], rows[1:]
    prev = "f" * 64
    for raw in body:
        row = dict(zip(header, raw, strict=True))
        fields = {k: row[k] for k in ("at", "business_date", "kind", "ref", "account", "method", "memo")}
        for k in ("id", "txn", "operator_id", "amount_fen", "reverses_txn"):
            fields[k] = int(row[k]) if row[k] else None
        raw[header.index("prev_hash")] = prev
        raw[header.index("hash")] = prev = chain_hash(prev, fields)
    write_rows(directory / "ledger.csv", [header, *body])
    workbook = load_workbook(directory / "station.xlsx")
    for number, raw in enumerate(body, start=2):
        for name in ("prev_hash", "hash"):
            workbook["ledger"].cell(number, header.index(name) + 1).value = raw[header.index(name)]
    workbook.save(directory / "station.xlsx")

    def change(manifest):
        manifest["ledger"]["first_prev_hash"] = "f" * 64
        manifest["ledger"]["last_hash"] = prev

    rewrite_manifest(directory, key, change)


def test_rewritten_history_is_refused_unless_replaced_with_a_reason(months, county, config, capsys):
    load_many(county, list(months.values()), NOW)
    octo = months["2026-10"]
    rewrite_history(octo, load_key(config.data_dir))
    assert statuses(load_many(county, [octo], NOW)) == [("2026-10", "refused", "county.anchor_mismatch")]
    assert main(["county", "load", str(octo), "--db", county]) == 1
    assert main(["county", "load", str(octo), "--db", county, "--replace"]) == 1  # a reason is required
    assert main(["county", "load", str(octo), "--db", county, "--replace", "--reason", "站长说重装过"]) == 0
    db = connect_county(county)
    event = CountyEvent.get(CountyEvent.kind == "replace")
    assert event.reason == "站长说重装过" and json.loads(event.detail)["why"] == "county.anchor_mismatch"
    db.close()


def test_unknown_station_key_mismatch_and_relabelled_code_are_refused(months, county, tmp_path):
    from tests.services.test_export_tamper import forger

    nov = months["2026-11"]
    rewrite_manifest(nov, forger())  # signed by another key
    assert statuses(load_many(county, [nov], NOW))[0][2] == "verify.key_mismatch"
    rewrite_manifest(nov, forger(), lambda m: m["station"].__setitem__("code", "ZJ-9999"))
    assert statuses(load_many(county, [nov], NOW))[0][2] == "county.unknown_station"
    (tmp_path / "empty").mkdir()
    assert statuses(load_many(county, [tmp_path / "empty"], NOW))[0][1:] == ("refused", "verify.no_manifest")


def test_multi_folder_load_prints_a_summary_and_fails_if_any_is_refused(months, county, tmp_path, capsys):
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "manifest.json").write_text("{", encoding="utf-8")
    dirs = [str(d) for d in months.values()]
    assert main(["county", "load", *dirs, str(tmp_path / "junk"), "--db", county]) == 1
    out = capsys.readouterr().out
    assert out.count("ZJ-0317") == 3 and "junk" in out
    assert main(["county", "load", *dirs, "--db", county]) == 0  # the same exports again: unchanged


def test_check_receipt_from_the_printed_qr(services, partner, clock, config, county, tmp_path, capsys):
    villager = services.villagers.add(partner, name="张阿姨", phone="13611112222")
    order = services.purchases.create(
        partner, villager_id=villager.id, platform="pdd", items=[ItemLine("电饭煲", 1, 15900)]
    ).order
    paid = services.purchases.pay(partner, order.id, 5000, "cash")
    qr = decode(bytes(PrintJob.get_by_id(paid.job_id).payload)).qr_payloads()[0]
    assert qr.startswith("ZJ-0317/") and "/5000/" in qr
    clock.advance(days=10)
    later = services.purchases.pay(partner, order.id, 700, "cash")  # December: not exported yet
    later_qr = decode(bytes(PrintJob.get_by_id(later.job_id).payload)).qr_payloads()[0]
    services.exports.export(partner, "2026-11", tmp_path / "nov")
    load_many(county, [tmp_path / "nov"], NOW)
    db = connect_county(county)
    assert check_receipt(qr).key == "county.receipt_found"
    assert check_receipt(qr.replace("/5000/", "/50000/")).key == "county.receipt_amount_differs"
    assert check_receipt(later_qr).key == "county.receipt_not_found"
    db.close()
    assert main(["county", "check-receipt", qr, "--db", county]) == 0
    assert main(["county", "check-receipt", "not a receipt", "--db", county]) == 1
    assert main(["county", "check-receipt", later_qr, "--db", county]) == 1


def test_cap_recomputation_catches_an_edited_payable(services, partner, county, tmp_path, capsys):
    services.utilities.add_tariff(
        partner, category="electricity", effective_from=dt.date(2026, 1, 1), tiers=(Tier(None, 5000),)
    )
    bill = services.utilities.record_bill(
        partner, category="electricity", period="2026-10", meter_start_milli=0, meter_end_milli=100_000, billed_fen=6000
    )
    assert bill.result.excess_fen == 850
    # the station edits its own database before exporting: no excess, all of it payable
    UtilityBill.update(payable_fen=6000, excess_fen=0, cap_fen=6000).where(UtilityBill.id == bill.bill.id).execute()
    services.exports.export(partner, "2026-11", tmp_path / "nov")  # recorded in November: in November's export
    assert read_csv(tmp_path / "nov" / "utility_bills.csv")[1][1] == "2026-10"
    official = tmp_path / "official.toml"
    official.write_text(
        '[[tariff]]\ncategory = "electricity"\neffective_from = "2026-01-01"\ntiers = [{ rate = "0.4883" }]\n',
        encoding="utf-8",
    )
    assert main(["county", "load", str(tmp_path / "nov"), "--db", county, "--tariffs", str(official)]) == 0
    out = capsys.readouterr().out
    assert "payable_yuan" in out and "excess_yuan" in out
    db = connect_county(county)
    load = CountyLoad.get()
    assert load.over_cap and load.utility_excess_fen == 850 and load.utility_payable_fen == 5150
    assert CountyUtility.get().bill_period == "2026-10"
    assert {key for key, _ in flags_for("ZJ-0317", "2026-11")} == {"county.flag_cap", "county.flag_tariff"}
    db.close()
    assert main(["county", "report", "--db", county, "--xlsx", str(tmp_path / "r.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "ZJ-0317 青山村服务站 2026-11" in out.splitlines()[-1]
    sheet = load_workbook(tmp_path / "r.xlsx")["county"]
    assert sheet.cell(3, 1).value in ("合计", "Total")  # the totals row
    assert sheet.cell(2, 3 + 7).number_format == "0.00"


def test_cancelled_orders_are_not_counted(services, partner, county, tmp_path):
    villager = services.villagers.add(partner, name="张阿姨", phone="13611112222")
    for _n in range(2):
        services.purchases.create(partner, villager_id=villager.id, platform="jd", items=[ItemLine("米", 1, 1000)])
    services.purchases.cancel(partner, 2, "不要了")
    services.exports.export(partner, "2026-11", tmp_path / "nov")
    load_many(county, [tmp_path / "nov"], NOW)
    db = connect_county(county)
    assert CountyLoad.get().purchases == 1 and CountyLoad.get().purchases_fen == 1200
    db.close()


def test_a_later_export_of_a_month_that_only_adds_postings_replaces_it(
    services, partner, clock, config, county, tmp_path
):
    cash(services, partner, 1000)
    services.exports.export(partner, "2026-11", tmp_path / "early")  # exported before the month ended
    assert statuses(load_many(county, [tmp_path / "early"], NOW)) == [("2026-11", "loaded", "county.loaded")]
    cash(services, partner, 2000)
    clock.advance(days=7)
    services.exports.export(partner, "2026-11", tmp_path / "final")
    assert statuses(load_many(county, [tmp_path / "final"], NOW)) == [("2026-11", "replaced", "county.loaded_replaced")]
    rewrite_history(tmp_path / "early", load_key(config.data_dir))  # a different past: not an extension
    assert statuses(load_many(county, [tmp_path / "early"], NOW))[0][1:] == ("refused", "county.already_loaded")
    db = connect_county(county)
    assert [e.kind for e in CountyEvent.select().where(CountyEvent.kind != "enrol")] == ["extend"]
    db.close()


@pytest.mark.parametrize("jobs", [1, 4])
def test_two_exports_of_one_month_in_one_batch_load_the_older_first(
    services, partner, clock, config, county, tmp_path, jobs
):
    """Whatever their folders are called and however they are listed: the later export of a
    month is the one the county keeps (it extends the earlier, or replaces it with --replace)."""
    cash(services, partner, 1000)
    services.exports.export(partner, "2026-11", tmp_path / "z-early")
    cash(services, partner, 2000)
    clock.advance(days=7)
    services.exports.export(partner, "2026-11", tmp_path / "a-final")
    both = [tmp_path / "z-early", tmp_path / "a-final"]
    assert statuses(load_many(county, both[::-1], NOW, jobs=jobs)) == [
        ("2026-11", "loaded", "county.loaded"),
        ("2026-11", "replaced", "county.loaded_replaced"),
    ]
    rewrite_history(tmp_path / "z-early", load_key(config.data_dir))  # another past: only --replace takes it
    clock.advance(days=1)
    services.exports.export(partner, "2026-11", tmp_path / "b-fixed")
    outcomes = load_many(county, [tmp_path / "b-fixed", tmp_path / "z-early"], NOW, replace_reason="re-exported")
    assert [o.directory.name for o in outcomes] == ["z-early", "b-fixed"]
    db = connect_county(county)
    kept = CountyLoad.get()
    assert kept.closing_hash == read_manifest_last_hash(tmp_path / "b-fixed")
    db.close()


def read_manifest_last_hash(directory):
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))["ledger"]["last_hash"]


def test_each_posting_is_kept_with_its_hash_amount_kind_and_reversal(services, partner, tmp_path, county):
    first = cash(services, partner, 1000)
    cash(services, partner, 2550, ref="sale-2")
    reversal = services.ledger.reverse(first.txn, "rung up twice", partner)
    cash(services, partner, 120, ref="sale-3")
    for kind in ("", 'odd, "quoted"\tkind'):  # the county's COPY of postings keeps any text as it is
        services.ledger.post(kind, "odd", [Line("cash", 30, "cash"), Line("income:other", -30)], operator_id=partner.id)
    services.exports.export(partner, "2026-11", tmp_path / "nov")
    last_of = {}
    for entry in LedgerEntry.select().order_by(LedgerEntry.id):
        last_of[entry.txn] = entry
    amounts = {}
    for entry in LedgerEntry.select():
        amounts[entry.txn] = amounts.get(entry.txn, 0) + max(entry.amount_fen, 0)
    expected = sorted(
        (txn, e.hash, amounts[txn], e.kind, reversal.txn if txn == first.txn else None) for txn, e in last_of.items()
    )

    assert statuses(load_many(county, [tmp_path / "nov"], NOW, jobs=1)) == [("2026-11", "loaded", "county.loaded")]
    db = connect_county(county)
    kept = sorted(
        (p.txn, p.hash, p.amount_fen, p.kind, p.reversed_by)
        for p in CountyPosting.select().where(CountyPosting.station_code == "ZJ-0317")
    )
    db.close()
    assert len(kept) == 6 and kept == expected
