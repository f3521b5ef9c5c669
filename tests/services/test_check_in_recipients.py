"""Check-in recipients through the directory; add-and-set and return-and-list are single transactions."""

import dataclasses

import pytest

from station.db.models import Villager
from station.db.parcel_models import Parcel
from station.domain.errors import InvalidInput, NotAllowed
from station.services.recipients import RecipientService


@pytest.fixture
def desk(services):
    return RecipientService(services.parcels, services.villagers)


@pytest.fixture
def parcel(services, partner):
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    return services.parcels.check_in(partner, "SF1234567890001", batch_id=batch.id).parcel


def test_one_match_is_taken_several_are_offered_none_is_offered_to_add(services, partner, desk, parcel):
    li = services.villagers.add(partner, name="李大爷", phone="13900005678")
    services.villagers.add(partner, name="张三", phone="13800001111")
    services.villagers.add(partner, name="张珊", phone="13800002222")
    assert desk.resolve(partner, parcel.id, "ldy").parcel.villager_id == li.id
    several = desk.resolve(partner, parcel.id, "zs")
    assert several.parcel is None and {v.name for v in several.candidates} == {"张三", "张珊"}
    nobody = desk.resolve(partner, parcel.id, "zay")
    assert nobody.offer_add and nobody.add_name == ""  # initials are never a name
    assert desk.resolve(partner, parcel.id, "王五").add_name == "王五"
    assert Parcel.get_by_id(parcel.id).recipient_name == "李大爷"  # only the first call wrote
    with pytest.raises(InvalidInput):
        desk.resolve(partner, parcel.id, "  ")


def test_name_and_phone_of_a_known_villager_links_them(services, partner, desk, parcel):
    li = services.villagers.add(partner, name="李大爷", phone="13900005678")
    assert desk.resolve(partner, parcel.id, "李大爷13900005678").parcel.villager_id == li.id
    new = desk.resolve(partner, parcel.id, "王五 13512340000")
    assert new.offer_add and (new.add_name, new.add_phone) == ("王五", "13512340000")


def test_adding_a_villager_for_a_parcel_that_left_adds_nobody(services, partner, desk, parcel):
    services.pickup.hand_over(partner, [parcel.id], method="override", override_reason="test")
    with pytest.raises(NotAllowed):
        desk.add_and_set(partner, parcel.id, name="王五", phone="13512340000")
    assert Villager.select().where(Villager.name == "王五").count() == 0
    assert services.villagers.search("王五") == []


def test_return_and_its_list_together_or_not_at_all(services, partner, parcel, tmp_path):
    with pytest.raises(InvalidInput):
        services.parcel_reports.return_with_list(partner, [parcel.id], count_text="one")
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("x")
    reports = services.parcel_reports
    reports.export_dir = blocked  # the list cannot be written: nothing is returned
    with pytest.raises(OSError):
        reports.return_with_list(partner, [parcel.id], count_text="1")
    assert Parcel.get_by_id(parcel.id).status == "in"
    reports.export_dir = tmp_path / "exports"
    batch, path = reports.return_with_list(partner, [parcel.id], count_text="1", courier="小王")
    assert Parcel.get_by_id(parcel.id).status == "returned" and path.exists()
    assert batch.batch_no in path.read_text(encoding="utf-8-sig")
    assert dataclasses.is_dataclass(batch)
