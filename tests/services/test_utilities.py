import datetime as dt
from importlib import resources
from pathlib import Path

import peewee
import pytest

from station.db.models import AuditEvent, LedgerEntry
from station.db.utility_models import Tariff, UtilityBill
from station.domain.errors import InvalidInput, NotAllowed, NotFound
from station.domain.tariffs import Tier
from station.services.utility_reports import export_tariffs, import_tariffs, read_tariff_file, summary

KWH = 1000
SAMPLE = Path(str(resources.files("station.assets").joinpath("sample_tariffs.toml")))


@pytest.fixture
def tariff(services, partner):
    return services.utilities.add_tariff(
        partner,
        category="electricity",
        effective_from=dt.date(2026, 1, 1),
        unit="kWh",
        tiers=(Tier(240 * KWH, 4883), Tier(400 * KWH, 5383), Tier(None, 7883)),
        source_note="村里的通知",
    )


def test_scenario_bill_over_cap_posts_only_the_payable(services, partner, tariff):
    recorded = services.utilities.record_bill(
        partner,
        category="electricity",
        period="2026-10",
        meter_start_milli=18234 * KWH,
        meter_end_milli=18711 * KWH,
        billed_fen=28000,
    )
    bill = recorded.bill
    assert (bill.usage_milli, bill.village_fen, bill.cap_fen, bill.payable_fen, bill.excess_fen) == (
        477 * KWH,
        26402,
        27194,
        27194,
        806,
    )
    assert bill.tariff_version == 1
    assert services.ledger.balance("expense:utility:electricity") == 27194
    assert services.ledger.balance("cash") == -27194
    excess = AuditEvent.get(AuditEvent.kind == "utility.excess")
    assert '"excess_fen": 806' in excess.detail


def test_a_new_tariff_version_does_not_change_recorded_bills(services, partner, tariff):
    services.utilities.record_bill(
        partner,
        category="electricity",
        period="2026-10",
        meter_start_milli=0,
        meter_end_milli=100 * KWH,
        billed_fen=5000,
    )
    services.utilities.add_tariff(
        partner, category="electricity", effective_from=dt.date(2026, 11, 1), tiers=(Tier(None, 9000),)
    )
    old = services.utilities.explain(UtilityBill.get().id)
    assert old.bill.tariff_version == 1 and old.result.village_fen == 4883
    november = services.utilities.record_bill(
        partner,
        category="electricity",
        period="2026-11",
        meter_start_milli=100 * KWH,
        meter_end_milli=200 * KWH,
        billed_fen=9000,
    )
    assert november.bill.tariff_version == 2 and november.result.village_fen == 9000
    with pytest.raises(peewee.IntegrityError):
        Tariff.update(fixed_fee_fen=1).execute()  # versions are append-only


def test_missing_tariff_is_named(services, partner):
    with pytest.raises(NotFound) as caught:
        services.utilities.record_bill(
            partner,
            category="water",
            period="2026-10",
            usage_milli=0,
            billed_fen=0,
            meter_start_milli=1,
            meter_end_milli=2,
        )
    assert caught.value.key == "utility.no_tariff"
    assert caught.value.values == {"category_key": "utility.category.water", "period": "2026-10"}


def test_readings_never_go_backwards_except_a_meter_replacement(services, partner, tariff):
    services.utilities.record_bill(
        partner,
        category="electricity",
        period="2026-09",
        meter_start_milli=18000 * KWH,
        meter_end_milli=18234 * KWH,
        billed_fen=11000,
    )
    with pytest.raises(InvalidInput) as caught:
        services.utilities.record_bill(
            partner,
            category="electricity",
            period="2026-10",
            meter_start_milli=18711 * KWH,
            meter_end_milli=18234 * KWH,
            billed_fen=1,
        )
    assert caught.value.key == "utility.reading_backwards"
    with pytest.raises(InvalidInput) as caught:
        services.utilities.record_bill(
            partner,
            category="electricity",
            period="2026-10",
            meter_start_milli=18200 * KWH,
            meter_end_milli=18300 * KWH,
            billed_fen=1,
        )
    assert caught.value.key == "utility.reading_before_last"
    replaced = services.utilities.record_bill(
        partner,
        category="electricity",
        period="2026-10",
        meter_start_milli=0,
        meter_end_milli=300 * KWH,
        old_meter_final_milli=18411 * KWH,
        billed_fen=25000,
    )
    assert replaced.bill.usage_milli == (18411 - 18234 + 300) * KWH
    assert UtilityBill.select().count() == 2


def test_a_period_is_recorded_once(services, partner, tariff):
    services.utilities.record_bill(
        partner, category="electricity", period="2026-10", meter_start_milli=0, meter_end_milli=10 * KWH, billed_fen=500
    )
    with pytest.raises(InvalidInput) as caught:
        services.utilities.record_bill(
            partner,
            category="electricity",
            period="2026-10",
            meter_start_milli=10 * KWH,
            meter_end_milli=20 * KWH,
            billed_fen=500,
        )
    assert caught.value.key == "utility.period_taken"
    assert LedgerEntry.select().count() == 2


@pytest.mark.parametrize("period", ["2026-13", "26-10", "2026/10", "", "abcd-ef"])
def test_bad_periods(services, partner, tariff, period):
    with pytest.raises(InvalidInput):
        services.utilities.record_bill(partner, category="electricity", period=period, usage_milli=1, billed_fen=1)
    assert UtilityBill.select().count() == 0


def test_only_a_partner_edits_tariffs(services, assistant):
    with pytest.raises(NotAllowed):
        services.utilities.add_tariff(
            assistant, category="water", effective_from=dt.date(2026, 1, 1), tiers=(Tier(None, 100),)
        )


def test_sample_file_imports_and_round_trips(services, partner, tmp_path):
    imported = import_tariffs(services.utilities, partner, SAMPLE)
    assert [t.category for t in imported] == ["electricity", "water", "garbage"]
    garbage = services.utilities.record_bill(
        partner, category="garbage", period="2026-10", usage_milli=1000, billed_fen=900
    )
    assert (garbage.bill.village_fen, garbage.bill.cap_fen, garbage.bill.excess_fen) == (800, 824, 76)
    exported = export_tariffs(services.utilities.tariffs(), tmp_path / "tariffs.toml")
    again = read_tariff_file(exported)
    assert [(e["category"], tuple(e["tiers"]), e["fixed_fee_fen"]) for e in again] == [
        (t.category, t.tiers, t.fixed_fee_fen) for t in sorted(imported, key=lambda t: t.category)
    ]


def test_a_bad_tariff_file_adds_nothing(services, partner, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(SAMPLE.read_text(encoding="utf-8").replace('rate = "0.7883"', 'rate = "0.78x"'), encoding="utf-8")
    with pytest.raises(InvalidInput):
        import_tariffs(services.utilities, partner, bad)
    assert Tariff.select().count() == 0


def test_year_summary_flags_months_over_cap(services, partner, tariff):
    services.utilities.record_bill(
        partner,
        category="electricity",
        period="2026-09",
        meter_start_milli=0,
        meter_end_milli=100 * KWH,
        billed_fen=4883,
    )
    services.utilities.record_bill(
        partner,
        category="electricity",
        period="2026-10",
        meter_start_milli=100 * KWH,
        meter_end_milli=577 * KWH,
        billed_fen=28000,
    )
    rows = summary(2026)
    assert [(r.period, r.over_cap) for r in rows] == [("2026-09", False), ("2026-10", True), ("2026", True)]
    assert rows[-1].billed_fen == 32883 and rows[-1].payable_fen == 4883 + 27194
    # one bill record for the F5 table, the CLI report and the charts: months carry their bill's id
    assert rows == services.utilities.summary(2026)
    assert [r.id for r in rows[:2]] == [b.id for b in reversed(services.utilities.bills(year=2026))]
    assert rows[-1].is_total and rows[-1].versions_text == "1" and not rows[0].is_total
