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


@pytest.mark.parametrize(
    ("field", "text", "key"),
    [
        ("port", "91OO", "printer.bad_number"),
        ("port", "-5", "validation.setting_range"),
        ("port", "70000", "validation.setting_range"),
        ("timeout", "nan", "validation.setting_range"),
        ("timeout", "0.1", "validation.setting_range"),
        ("usb_vendor", "xyz", "printer.bad_number"),
        ("usb_product", "10000", "validation.setting_range"),
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
