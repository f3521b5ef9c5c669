"""A reversal refused for want of a partner's approval is in the audit log; nothing is posted."""

import pytest

from station.domain.errors import NotAllowed
from tests.services.test_ledger import deposit


def test_refused_reversal_is_audited(services, partner, assistant):
    posting = deposit(services, partner, 50000)
    entries_before = services.ledger.verify_chain(), services.ledger.balance("cash")
    with pytest.raises(NotAllowed):
        services.ledger.reverse(posting.txn, "wrong villager", assistant)
    with pytest.raises(NotAllowed):
        services.ledger.reverse(posting.txn, "wrong villager", partner, approver_id=partner.id, approver_pin="123456")
    refused = services.audit.list(kind="approval.refused")
    assert [r.ref for r in refused] == [f"txn:{posting.txn}"] * 2
    assert [r.detail["reason"] for r in refused] == ["wrong villager"] * 2  # asked by an assistant; self-approved
    assert len(services.audit.list(kind="approval.refused", operator_id=assistant.id)) == 1
    assert (services.ledger.verify_chain(), services.ledger.balance("cash")) == entries_before
