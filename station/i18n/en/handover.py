"""English: F2 hand-over payment, confirmation naming recipients, ticks, check-in row fixes."""

MESSAGES: dict[str, str] = {
    # charges at hand-over
    "handover.line.holding_fee": "Holding fee {code}",
    "handover.line.purchase": "Balance of order #{no}",
    "handover.order_not_arrived": "Order #{no} is still “{status_key}” and cannot leave with the parcel: see to it in F3 first",
    "handover.order_in_f3": "The parcel belongs to order #{no}: hand it over in F3 and collect there",
    "handover.unknown_charge": "Unknown charge: {kind}",
    "handover.payment_due": "{due_fen} still to collect before these parcels can leave; or see to the order in F3",
    "handover.amount_mismatch": "Collected {paid_fen} but {due_fen} is due: collect the amount due, or see to the order in F3",
    "handover.several_people_unconfirmed": "These parcels belong to different people: confirm once more to hand them over together",
    "handover.undo_has_order": "Parcel {code} left with order #{no}, which was paid: it cannot be undone here (see F3/F8)",
    "pickup.method.order": "with its purchase order",
    # the dialog
    "handover.confirm": "Hand to {names}: {codes}, {n} in all",
    "handover.ticked_only": "(only the ticked parcels)",
    "handover.cursor_only": "(nothing ticked: only the highlighted parcel)",
    "handover.charge_line": "  {label}: {amount_fen}",
    "handover.charge_total": "Total due {amount_fen}",
    "handover.amount": "Amount collected (due {due_fen})",
    "handover.several_people": "Careful: these {n} parcels belong to different people: {names}. Hand them over together?",
    "handover.done_paid": "Handed over {n}: {codes}; collected {amount_fen}",
    "handover.ticked": "{n} ticked · Space tick/untick · Ctrl+A all/none",
    # undo
    "handover.undo_pick_title": "Undo one of today's hand-overs: choose the parcel",
    "handover.undo_filter": "pickup code, name or tail",
    "handover.undo_pick_hint": "type to narrow · ↓ to the list · Enter chooses · Esc cancels",
    "handover.undo_none_today": "No matching hand-over today",
    "handover.undo_confirm": "Undo the hand-over of {code} ({name})",
    "handover.col_at": "Handed over",
    # check-in
    "handover.recipient_for": "Recipient of {code}: phone, last 4 digits, name or pinyin initials; Enter saves",
    "handover.add_villager": "“{text}” is not in the directory: add a villager as the recipient of {code}?",
    "handover.claimed_beside": "Count the courier claims ({n} scanned in this batch)",
    "handover.resume_batch": "A check-in batch was left open: shelf {shelf} layer {layer}, {n} scanned (courier {courier}). Carry on scanning into it? (n: count and close it now)",
    "handover.notify_needs_recipient": "{n} parcel(s) have no recipient and cannot be marked notified: {codes}",
    "handover.notify_without_recipient": "{n} of them have no recipient (marked ⚠): set one at check-in before recording a notice",
    "handover.no_recipient_mark": "⚠ no recipient",
    # returns
    "handover.return_count_invalid": "Type the number of parcels going back (digits)",
    "handover.fee_in_f2": "Parcel {code} still owes a holding fee of {amount_fen}: hand it over in F2, which collects the fee",
}
