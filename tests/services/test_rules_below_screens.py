"""Issue 22: rules the screens used to hold answered by a service (printer settings, reversal
approval, masking), each refusal writing nothing."""

import pytest

from station.config import PrinterConfig, printer_from_form
from station.db.models import AuditEvent
from station.domain.errors import InvalidInput, NotAllowed
from station.services.settings import PrinterForm

GOOD = {"host": "192.168.1.50", "port": "9100", "usb_vendor": "04b8", "usb_product": "0e15", "timeout": "3"}


def test_the_printer_form_is_parsed_and_checked_by_the_config_layer():
    printer = printer_from_form(PrinterConfig(), "network", 80, GOOD)
    assert (printer.port, printer.timeout, printer.usb_vendor, printer.usb_product) == (9100, 3.0, 0x04B8, 0x0E15)
    assert printer_from_form(PrinterConfig(), "none", 58, {}).port == 9100  # empty: the defaults
    assert (
        printer_from_form(PrinterConfig(), "network", 80, {"host": "１９２．１６８．１．５０"}).host == "192.168.1.50"
    )


def test_another_paper_chosen_in_the_form_prints_at_its_own_widths_not_the_hand_set_ones():
    hand_set = PrinterConfig(paper_mm=58, columns=30, dots=360)  # an odd 58 mm printer, set in config.toml
    same = printer_from_form(hand_set, "network", 58, GOOD)
    assert (same.width_columns, same.width_dots) == (30, 360)  # kept while the paper stays
    wider = printer_from_form(hand_set, "network", 80, GOOD)
    assert (wider.columns, wider.dots, wider.width_columns, wider.width_dots) == (0, 0, 48, 576)


@pytest.mark.parametrize(
    ("field", "text", "key"),
    [
        ("port", "91OO", "printer.bad_number"),
        ("port", "-5", "printer.out_of_range"),
        ("port", "70000", "printer.out_of_range"),
        ("timeout", "nan", "printer.out_of_range"),
        ("timeout", "0.1", "printer.out_of_range"),
        ("usb_vendor", "xyz", "printer.bad_number"),
        ("usb_product", "10000", "printer.out_of_range"),
        ("host", "192.168. 1.50", "printer.bad_host"),
        ("host", "打印机", "printer.bad_host"),
        ("host", "", "printer.missing"),
    ],
)
def test_a_bad_printer_field_is_refused_by_name(field, text, key):
    with pytest.raises(InvalidInput) as refused:
        printer_from_form(PrinterConfig(), "network", 58, {**GOOD, field: text})
    assert refused.value.key == key
    named = refused.value.values.get("field_key") or refused.value.values.get("setting")
    assert named.endswith(field)


def test_saving_the_printer_needs_the_right_and_a_good_form_writes_nothing_else(services, partner, assistant):
    settings = services.settings
    with pytest.raises(NotAllowed):
        settings.printer(assistant)
    with pytest.raises(NotAllowed):
        settings.save_printer(assistant, PrinterForm("network", 58, GOOD))
    with pytest.raises(InvalidInput):
        settings.save_printer(partner, PrinterForm("network", 58, {**GOOD, "port": "-5"}))
    assert not services.config.config_file.exists()
    assert not AuditEvent.select().where(AuditEvent.kind == "config.printer").exists()
    config = settings.save_printer(partner, PrinterForm("network", 80, GOOD))
    assert config.printer.host == "192.168.1.50" and settings.printer(partner).paper_mm == 80
    assert 'host = "192.168.1.50"' in config.config_file.read_text(encoding="utf-8")
    assert services.printing.config.host == "192.168.1.50"  # used at once
    assert AuditEvent.select().where(AuditEvent.kind == "config.printer").count() == 1


def _sale(services, fen):
    from station.services.ledger import Line

    return services.ledger.post(
        "purchase.payment", "purchase:1", [Line("cash", fen, "cash"), Line("villager:1", -fen)], operator_id=1
    )


def test_the_ledger_answers_whether_a_reversal_needs_approval_and_from_whom(services, partner, assistant):
    second = services.operators.add_operator(partner, name="李站长", role="partner", pin="246810")
    small, large = _sale(services, 1000), _sale(services, 50000)
    plan = services.ledger.plan_reversal(partner, small.txn)
    assert not plan.needs_approval and plan.approvers == () and plan.posting.txn == small.txn
    plan = services.ledger.plan_reversal(partner, large.txn)  # over the threshold: another partner
    assert plan.needs_approval and [o.name for o in plan.approvers] == ["李站长"]
    plan = services.ledger.plan_reversal(assistant, small.txn)  # an assistant never alone
    assert plan.needs_approval and {o.id for o in plan.approvers} == {partner.id, second.id}
    services.ledger.reverse(small.txn, "wrong amount", partner)
    with pytest.raises(NotAllowed) as refused:
        services.ledger.plan_reversal(partner, small.txn)
    assert refused.value.key == "ledger.already_reversed"


def test_an_auditor_may_not_even_ask_to_reverse(services, partner, auditor):
    posting = _sale(services, 1000)
    with pytest.raises(NotAllowed):
        services.ledger.plan_reversal(auditor, posting.txn)


def test_the_days_journal_comes_with_the_reversal_state(services, partner):
    first, second = _sale(services, 1000), _sale(services, 2000)
    services.ledger.reverse(first.txn, "wrong", partner)
    journal = services.ledger.journal()
    assert [(row.posting.txn, row.reversed) for row in journal] == [(first.txn, True), (second.txn, False), (3, False)]
    assert journal[1].posting == services.ledger.posting(second.txn)


def test_the_restore_approvers_are_the_ones_the_permission_table_names(services, partner, assistant, auditor):
    assert [o.name for o in services.backup.restore_approvers()] == [partner.name]


def test_the_reports_service_says_whose_names_are_masked(services, partner, assistant, auditor):
    assert services.reports.names_masked(assistant)
    assert not services.reports.names_masked(partner) and not services.reports.names_masked(auditor)


def test_the_report_charts_sum_money_in_fen(services, partner):
    _sale(services, 1050)
    _sale(services, 2025)
    charts = services.reports.charts(services.reports.period("week"))
    income = charts.charts["income"]
    assert income.money and income.total == 3075 and income.values[-1] == 3075 and len(income.values) == 7
    assert charts.income_by_kind_fen == {"purchase.payment": 3075}
    assert charts.charts["arrivals"].total == 0 and not charts.charts["arrivals"].money


def test_a_fees_line_carries_its_count_and_fee_not_a_string_to_split():
    import datetime as dt

    from station.i18n.translator import Translator
    from station.services.courier_reports import AccountLine, Statement

    t = Translator("en")
    fees = AccountLine(dt.date(2026, 11, 23), "fees", "", "", 450, parcels=3, fee_fen=150)
    paid = AccountLine(dt.date(2026, 11, 23), "payment", "", "cash", -450)
    assert fees.describe(t) == t("couriers.fee_detail", n=3, fee_fen=150) and "1.50" in fees.describe(t)
    assert paid.describe(t) == "cash"
    statement = Statement("YTO", "2026-11", dt.date(2026, 11, 1), dt.date(2026, 11, 30), 0, (fees, paid))
    assert statement.parcels == 3 and statement.closing_fen == 0


def test_the_export_offers_last_month_from_the_reports_service(services):
    assert services.reports.last_month().label == "2026-10"  # the clock says 2026-11-23
    assert services.reports.period("2026-11").label == "2026-11"
