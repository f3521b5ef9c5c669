"""Complaints linked to a lot, and a link to nothing refused."""

from station.db.oversight_models import Complaint


def test_link_to_a_lot_and_a_missing_record(services, partner):
    from station.domain.errors import NotFound

    farmer = services.villagers.add(partner, name="李大伯", phone="13900001111")
    lot = services.consignments.intake(
        partner, consignor_id=farmer.id, product="土鸡蛋", unit="piece", qty_milli=30000, unit_price_fen=150
    )
    links = services.complaints.link_candidates(farmer.id)
    assert [link.kind for link in links] == ["lot"]
    made = services.complaints.register(
        partner, channel="phone", category="other", text="结算慢", villager_id=farmer.id, link=links[0].value
    )
    assert made.link.kind == "lot" and "土鸡蛋" in made.link.text
    assert [c.id for c in services.complaints.about("lot", lot.lot.id)] == [made.id]
    try:
        services.complaints.register(partner, channel="phone", category="other", text="x", link="purchase:99")
    except NotFound as error:
        assert error.key == "complaint.link_not_found"
    else:
        raise AssertionError("a link to nothing was saved")
    assert Complaint.select().count() == 1
