"""Issue 17: malformed typed text through the services — the message key, and the DB unchanged."""

import dataclasses

import pytest

from station.db.models import Operator, PrintJob, Villager
from station.db.parcel_models import Parcel
from station.domain.errors import StationError
from station.domain.orders import parse_items
from tests.printing.decode import decode
from tests.reliability.test_bad_input import checksum


@pytest.fixture
def batch(services, partner):
    return services.parcels.start_batch(partner, shelf=2, layer=1, courier_name="中通小王")


def refused(services, call, key):
    before = checksum(services.db)
    with pytest.raises(StationError) as caught:
        call()
    assert caught.value.key == key, caught.value
    assert checksum(services.db) == before


@pytest.mark.parametrize(
    "name, phone, note, key",
    [
        ("张\x00三", "", "", "validation.control_char"),
        ("张\x1b[31m三", "", "", "validation.control_char"),
        ("张\u200b三", "", "", "validation.control_char"),
        ("张三", "", "备注\u202e反向", "validation.control_char"),
        ("张" * 41, "", "", "error.too_long"),
        ("张三", "", "n" * 501, "error.too_long"),
        ("\u3000 \t", "", "", "villagers.name_required"),
        ("张三", "00000000000", "", "validation.phone_impossible"),
        ("张三", "000-00000000", "", "validation.phone_impossible"),
        ("张三", "1" + "\u0663" * 10, "", "phone.invalid"),
        ("张三", "138-0013-80001", "", "phone.invalid"),
    ],
)
def test_villager_registration_refuses_and_writes_nothing(services, partner, name, phone, note, key):
    refused(services, lambda: services.villagers.add(partner, name=name, phone=phone, note=note), key)


def test_villager_phone_forms_are_normalised_and_rare_names_allowed(services, partner):
    one = services.villagers.add(partner, name="𠮷田 🙂", phone="138-0013-8000")
    two = services.villagers.add(partner, name="李四", phone="１３９ ００１３ ８０００")
    assert (one.phone, two.phone) == ("13800138000", "13900138000")
    assert Villager.get_by_id(one.id).name == "𠮷田 🙂"


def test_operator_names_are_checked_and_a_full_width_pin_logs_in(services, partner):
    refused(
        services,
        lambda: services.operators.add_operator(partner, name="小\x07李", role="assistant", pin="5678"),
        "validation.control_char",
    )
    added = services.operators.add_operator(partner, name="小李", role="assistant", pin="５６７８")
    assert services.operators.login(added.id, "5678").name == "小李"
    assert services.operators.login(added.id, "５６７８").name == "小李"
    assert services.operators.login(partner.id, " １２３４５６ ").name == partner.name
    assert Operator.select().count() == 2


@pytest.mark.parametrize(
    "raw, key",
    [
        ("SF1234\x00567890", "validation.scan_control"),
        ("SF1234\x03567890", "validation.scan_control"),
        ("SF\u200b1234567890", "validation.scan_control"),
        ("\x02SF1234567890\x03", "validation.scan_control"),
        ("\r\n", "parcels.scan_empty"),
    ],
)
def test_scans_with_control_characters_inside_are_refused(services, partner, batch, raw, key):
    refused(services, lambda: services.parcels.check_in(partner, raw, batch_id=batch.id), key)


@pytest.mark.parametrize("ending", ["\r", "\n", "\r\n", "\t", "\r\n\r\n"])
def test_scanner_line_endings_check_in_the_same_number(services, partner, batch, ending):
    checked = services.parcels.check_in(partner, "YT9876543210" + ending, batch_id=batch.id)
    assert checked.parcel.tracking_no == "YT9876543210"


def test_hand_over_refuses_a_control_character_in_the_collected_by_note(services, partner, batch):
    parcel = services.parcels.check_in(partner, "SF1234567890001", batch_id=batch.id).parcel
    refused(
        services,
        lambda: services.pickup.hand_over(
            partner, [parcel.id], method="code", proof=parcel.pickup_code, collected_by="邻居\x1b大姐"
        ),
        "validation.control_char",
    )
    assert Parcel.get_by_id(parcel.id).status == "in" and PrintJob.select().count() == 0


def test_a_complaint_or_batch_note_with_a_control_character_is_refused(services, partner, batch):
    refused(
        services,
        lambda: services.complaints.register(partner, channel="in_person", category="parcel_lost", text="丢件\x00"),
        "validation.control_char",
    )
    refused(
        services,
        lambda: services.parcels.start_batch(partner, shelf=1, layer=1, courier_name="韵达\x1b"),
        "validation.control_char",
    )


@pytest.mark.parametrize(
    "text, key",
    [
        ("电饭煲*1*159,50", "validation.number_comma"),
        ("电饭煲*1*159，50", "validation.number_comma"),
        ("电饭煲*1*159元5", "validation.number_unit"),
        ("电饭煲*1*1 59", "validation.number_space"),
        ("电饭煲*1*\u0661\u0665\u0669", "validation.number_foreign_digit"),
    ],
)
def test_order_items_refuse_ambiguous_prices(text, key):
    with pytest.raises(StationError) as caught:
        parse_items(text)
    assert caught.value.key == key


def test_order_items_accept_full_width_and_yuan_marks():
    items = parse_items("电饭煲*1*￥159.50; 大米*2*１０．５元")
    assert [item.unit_price_fen for item in items] == [15950, 1050]


def test_a_locked_database_is_explained_and_writes_nothing(services, partner, batch, config):
    import sqlite3

    from station.services.db_errors import as_station_error

    services.db.execute_sql("PRAGMA busy_timeout = 200")
    other = sqlite3.connect(config.db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(Exception) as caught:
            services.parcels.check_in(partner, "SF1234567890001", batch_id=batch.id)
    finally:
        other.execute("ROLLBACK")
        other.close()
    explained = as_station_error(caught.value)
    assert explained is not None and explained.key == "db.locked"
    assert Parcel.select().count() == 0


@pytest.mark.parametrize(
    "text, key",
    [
        ("disk I/O error", "validation.db_io_error"),
        ("database disk image is malformed", "validation.db_corrupt"),
        ("file is not a database", "validation.db_corrupt"),
        ("unable to open database file", "validation.db_cannot_open"),
        ("database or disk is full", "db.full"),
        ("database is locked", "db.locked"),
    ],
)
def test_sqlite_failures_are_explained(text, key):
    import sqlite3

    import peewee

    from station.services.db_errors import as_station_error

    try:
        try:
            raise sqlite3.OperationalError(text)
        except sqlite3.OperationalError as inner:
            raise peewee.OperationalError(text) from inner
    except peewee.OperationalError as error:
        assert as_station_error(error).key == key


@pytest.mark.parametrize(
    "error, key",
    [
        (OSError(28, "No space left on device"), "db.full"),
        (PermissionError(13, "Permission denied", "/media/usb"), "validation.not_writable"),
        (OSError(30, "Read-only file system", "/media/usb"), "validation.not_writable"),
        (OSError(5, "Input/output error"), "validation.db_io_error"),
        (FileNotFoundError(2, "No such file", "/media/usb/x"), "validation.path_problem"),
    ],
)
def test_file_system_failures_are_explained(error, key):
    from station.services.db_errors import as_station_error

    assert as_station_error(error).key == key


def test_a_sale_of_a_product_with_a_rare_character_is_recorded_and_prints_a_replacement(services, partner):
    from station.db.consignment_models import ConsignmentSale
    from station.services.consignments import SaleLine

    farmer = services.villagers.add(partner, name="赵𪚥", phone="13700001111")
    refused(
        services,
        lambda: services.consignments.intake(
            partner, consignor_id=farmer.id, product="土\x00鸡蛋", unit="jin", qty_milli=1000, unit_price_fen=100
        ),
        "validation.control_char",
    )
    lot = services.consignments.intake(
        partner, consignor_id=farmer.id, product="𠮷祥土鸡蛋🥚", unit="jin", qty_milli=5000, unit_price_fen=900
    ).lot
    sold = services.consignments.sell(partner, [SaleLine(lot.id, 1000)], method="cash")
    assert ConsignmentSale.select().count() == 1  # recorded, whatever the printer's font lacks
    sent = []
    services.printing.use_printer(dataclasses.replace(services.printing.config, kind="dummy"), sent.append)
    job = services.printing.run(sold.job_id)
    assert job.status == "printed" and "𠮷" in job.replaced and "🥚" in job.replaced
    printed = decode(sent[0])
    assert any("□祥土鸡蛋□" in line for line in printed.lines), printed.lines
