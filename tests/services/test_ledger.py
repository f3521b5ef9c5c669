import itertools
import sqlite3

import peewee
import pytest

from station.db.models import DayClose, LedgerEntry
from station.domain.errors import InvalidInput, NotAllowed, StationError
from station.services.common import OperatorInfo
from station.services.ledger import DayClosed, Line
from station.services.operators import WrongPin


def deposit(services, operator, fen=10000, ref="purchase:1"):
    return services.ledger.post(
        "purchase.deposit",
        ref,
        [Line("cash", fen, "cash"), Line("villager:1", -fen)],
        operator_id=operator.id,
    )


def test_a_posting_is_balanced_chained_and_readable(services, partner):
    first = deposit(services, partner)
    second = deposit(services, partner, 2500)
    assert second.txn == first.txn + 1
    assert services.ledger.balance("cash") == 12500
    assert services.ledger.balance("villager:1") == -12500
    rows = list(LedgerEntry.select().order_by(LedgerEntry.id))
    assert rows[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    assert services.ledger.verify_chain() is None


def test_unbalanced_and_empty_postings_write_nothing(services, partner):
    with pytest.raises(InvalidInput) as caught:
        services.ledger.post("x", "", [Line("cash", 100), Line("income:x", -99)], operator_id=partner.id)
    assert caught.value.key == "ledger.unbalanced"
    with pytest.raises(InvalidInput):
        services.ledger.post("x", "", [Line("cash", 0)], operator_id=partner.id)
    with pytest.raises(InvalidInput):
        services.ledger.post("x", "", [Line("cash", 5, "gold"), Line("y", -5)], operator_id=partner.id)
    assert LedgerEntry.select().count() == 0


def test_triggers_refuse_update_and_delete(services, partner):
    deposit(services, partner)
    with pytest.raises(peewee.IntegrityError):
        LedgerEntry.update(amount_fen=1).execute()
    with pytest.raises(peewee.IntegrityError):
        LedgerEntry.delete().execute()
    assert services.ledger.balance("cash") == 10000


def test_verify_chain_finds_a_tampered_row(services, partner, config):
    for fen in (100, 200, 300):
        deposit(services, partner, fen)
    services.db.close()
    raw = sqlite3.connect(config.db_path)
    raw.execute("DROP TRIGGER ledger_entry_no_update")  # what a tamperer would do
    raw.execute("UPDATE ledger_entry SET amount_fen = 999 WHERE id = 3")
    raw.commit()
    raw.close()
    broken = services.ledger.verify_chain()
    assert broken is not None and broken.entry_id == 3 and broken.reason == "hash"


def test_reversal_mirrors_the_posting_once(services, partner):
    posting = deposit(services, partner, 5000)
    reversal = services.ledger.reverse(posting.txn, "typed the wrong amount", partner)
    assert reversal.kind == "reversal"
    assert services.ledger.balance("cash") == 0
    with pytest.raises(NotAllowed) as caught:
        services.ledger.reverse(posting.txn, "again", partner)
    assert caught.value.key == "ledger.already_reversed"
    with pytest.raises(InvalidInput):
        services.ledger.reverse(posting.txn, "  ", partner)
    assert services.ledger.verify_chain() is None


def test_large_reversal_needs_a_second_partner(services, partner, assistant):
    posting = deposit(services, partner, 50000)  # ¥500.00, over the ¥200 threshold
    with pytest.raises(NotAllowed) as caught:
        services.ledger.reverse(posting.txn, "wrong villager", assistant)
    assert caught.value.key == "ledger.approval_required"
    with pytest.raises(NotAllowed):
        services.ledger.reverse(posting.txn, "wrong villager", partner)  # alone
    with pytest.raises(NotAllowed):
        services.ledger.reverse(posting.txn, "wrong villager", partner, approver_id=partner.id, approver_pin="123456")
    assert services.ledger.balance("cash") == 50000
    second = services.operators.add_operator(partner, name="李站长", role="partner", pin="432100")
    with pytest.raises(WrongPin):  # the approver's id alone is no proof: the service checks the PIN
        services.ledger.reverse(posting.txn, "wrong villager", assistant, approver_id=second.id, approver_pin="")
    services.ledger.reverse(posting.txn, "wrong villager", assistant, approver_id=second.id, approver_pin="432100")
    assert services.ledger.balance("cash") == 0
    assert [e.kind for e in services.audit.list(kind="ledger.reversal")] == ["ledger.reversal"]
    assert [e.kind for e in services.audit.list(kind="approval.")] == [
        "approval.ok",
        "approval.failed",
        *["approval.refused"] * 3,  # the assistant alone, the partner alone, the partner approving himself
    ]


def test_a_forged_approver_is_refused(services, partner, assistant):
    """Issue #20: an approver id 99 (or any id without its PIN) was accepted for a reversal."""
    posting = deposit(services, partner, 50000)
    for approver_id, pin in ((99, "123456"), (partner.id, "000000"), (assistant.id, "5678")):
        with pytest.raises(StationError):
            services.ledger.reverse(posting.txn, "forged", assistant, approver_id=approver_id, approver_pin=pin)
    with pytest.raises(NotAllowed) as caught:  # a real PIN of someone who may not approve
        services.ledger.reverse(posting.txn, "forged", partner, approver_id=assistant.id, approver_pin="5678")
    assert caught.value.key == "access.approver_role"
    forged = OperatorInfo(99, "王秀英", "partner")  # a hand-made acting operator is worth nothing either
    with pytest.raises(NotAllowed):
        services.ledger.reverse(posting.txn, "forged", forged)
    assert services.ledger.balance("cash") == 50000
    refused = services.audit.list(kind="approval.refused")
    # the assistant approving her own request, then her PIN offered for the partner's (not her role)
    assert [r.operator_name for r in refused] == [assistant.name, assistant.name]


def test_small_reversal_by_a_partner_alone(services, partner):
    posting = deposit(services, partner, 20000)  # exactly the threshold: allowed alone
    services.ledger.reverse(posting.txn, "duplicate", partner)
    assert services.ledger.balance("cash") == 0


def test_a_closed_day_takes_no_postings(services, partner, clock):
    DayClose.create(
        business_date=clock.now().date(), closed_at=clock.now(), operator=partner.id, totals_json="{}", report_hash="x"
    )
    with pytest.raises(DayClosed):
        deposit(services, partner)
    clock.advance(days=1)
    deposit(services, partner)
    assert services.ledger.balance("cash") == 10000
