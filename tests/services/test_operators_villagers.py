import pytest

from station.db.database import open_database
from station.db.migrations import MIGRATIONS, DatabaseTooNew, schema_version
from station.db.models import AuditEvent, Operator, Villager
from station.domain.errors import InvalidInput, NotAllowed
from station.services.operators import OperatorLocked, WrongPin
from station.services.villagers import PossibleDuplicate, initials_of


@pytest.mark.new_database
def test_fresh_database_needs_setup_then_not(services):
    assert services.operators.needs_setup()
    services.operators.set_up_station(station_name="站", station_code="C1", partner_name="王", pin="123456")
    assert not services.operators.needs_setup()
    with pytest.raises(NotAllowed):
        services.operators.set_up_station(station_name="站", station_code="C1", partner_name="王", pin="123456")


@pytest.mark.parametrize(
    "fields, key",
    [
        (
            {"station_name": " ", "station_code": "C", "partner_name": "王", "pin": "123456"},
            "setup.station_name_required",
        ),
        (
            {"station_name": "站", "station_code": "", "partner_name": "王", "pin": "123456"},
            "setup.station_code_required",
        ),
        ({"station_name": "站", "station_code": "C", "partner_name": "王", "pin": "12"}, "pin.invalid"),
    ],
)
def test_setup_refuses_bad_input_and_writes_nothing(services, fields, key):
    with pytest.raises(InvalidInput) as caught:
        services.operators.set_up_station(**fields)
    assert caught.value.key == key
    assert Operator.select().count() == 0


def test_login_and_lockout(services, partner, clock):
    assert services.operators.login(partner.id, "123456") == partner
    with pytest.raises(WrongPin) as caught:
        services.operators.login(partner.id, "0000")
    assert caught.value.values["remaining"] == 2
    with pytest.raises(WrongPin):
        services.operators.login(partner.id, "0000")
    with pytest.raises(OperatorLocked):
        services.operators.login(partner.id, "0000")
    with pytest.raises(OperatorLocked):  # even the right PIN, while locked
        services.operators.login(partner.id, "123456")
    clock.advance(seconds=61)
    assert services.operators.login(partner.id, "123456") == partner
    kinds = [row.kind for row in AuditEvent.select().order_by(AuditEvent.id)]
    # three wrong PINs and the right one refused while locked
    assert kinds.count("login.ok") == 2 and kinds.count("login.failed") == 4


def test_only_a_partner_adds_operators(services, partner, assistant):
    with pytest.raises(NotAllowed):
        services.operators.add_operator(assistant, name="新人", role="assistant", pin="1111")
    with pytest.raises(InvalidInput):
        services.operators.add_operator(partner, name="小李", role="assistant", pin="1111")


def test_pinyin_initials():
    assert initials_of("张三") == "zs"
    assert initials_of("李大爷") == "ldy"
    assert initials_of("Tom李") == "toml"


def test_villager_search_by_initials_name_and_phone_tail(services, partner):
    services.villagers.add(partner, name="张三", phone="13812345678", village_group="一组")
    services.villagers.add(partner, name="王四", phone="13900005678")
    services.villagers.add(partner, name="李大爷", phone="13700001111")
    assert [v.name for v in services.villagers.search("zs")] == ["张三"]
    assert [v.name for v in services.villagers.search("ZS")] == ["张三"]
    assert {v.name for v in services.villagers.search("5678")} == {"张三", "王四"}
    assert [v.name for v in services.villagers.search("大爷")] == ["李大爷"]
    assert [v.name for v in services.villagers.search("138123")] == ["张三"]
    assert services.villagers.search("qq") == []


def test_villager_duplicates_are_warned_and_bad_phones_refused(services, partner):
    services.villagers.add(partner, name="张三", phone="13812345678")
    with pytest.raises(PossibleDuplicate):
        services.villagers.add(partner, name="张三丰", phone="13812345678")
    services.villagers.add(partner, name="张三丰", phone="13812345678", allow_duplicate=True)
    with pytest.raises(InvalidInput) as caught:
        services.villagers.add(partner, name="王五", phone="1234")
    assert caught.value.key == "phone.invalid"
    assert Villager.select().count() == 2


def test_auditors_cannot_edit_villagers(services, auditor):
    with pytest.raises(NotAllowed):
        services.villagers.add(auditor, name="王五")


@pytest.mark.new_database
def test_migrations_set_user_version_and_refuse_a_newer_file(services, config):
    assert schema_version(services.db) == len(MIGRATIONS)
    services.db.execute_sql(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    services.db.close()
    with pytest.raises(DatabaseTooNew):
        open_database(config.db_path)


def test_pragmas(services):
    def pragma(name):
        return services.db.execute_sql(f"PRAGMA {name}").fetchone()[0]

    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") == 10000
