"""A courier settlement through a day before an earlier settlement is refused (found by attack)."""

from __future__ import annotations

import datetime as dt

import pytest

from station.domain.errors import NotAllowed
from station.services.couriers import account
from tests.courier_setup import send


def test_settling_again_through_an_earlier_day_does_not_pay_the_settlement_back(
    services, partner, cards, sender, clock
):
    clock.at = dt.datetime(2026, 11, 20, 10, 0)
    send(
        services,
        partner,
        sender,
        receiver_name="赵小明",
        receiver_address="杭州市西湖区文三路 1 号",
        province="浙江省",
        weight_g=3010,
        contents="土鸡蛋",
    )
    first = services.couriers.settle(partner, "ZTO", through=dt.date(2026, 11, 20), method="cash")
    assert first.fees_posted_fen == 0 and first.paid_fen == -1260  # freight less commission, paid out
    cash = services.ledger.balance("cash")
    with pytest.raises(NotAllowed) as refused:
        services.couriers.settle(partner, "ZTO", through=dt.date(2026, 11, 19), method="cash")
    assert refused.value.key == "couriers.settled_later"
    assert services.ledger.balance("cash") == cash  # no phantom ¥12.60 from the courier
    assert services.ledger.balance(account("ZTO")) == 0 and services.couriers.balance("ZTO") == 0
