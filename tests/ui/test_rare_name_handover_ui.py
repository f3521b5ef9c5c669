"""Issue 17: a recipient whose name a printer font lacks is handed over; the receipt says so."""

import dataclasses

from station.config import PrinterConfig
from station.db.models import PrintJob
from station.db.parcel_models import Parcel
from station.printing.transports import make_transport
from tests.printing.decode import decode
from tests.ui.helpers import log_in, settle, type_text


async def test_hand_over_to_a_rare_name_commits_and_the_status_line_says_what_was_replaced(make, set_up, config):
    partner = set_up.operators.list_active()[0]
    jie = set_up.villagers.add(partner, name="𠮷大姐", phone="13900005678")  # registration stays allowed
    batch = set_up.parcels.start_batch(partner, shelf=3, layer=2)
    parcel = set_up.parcels.check_in(partner, "SF1234567890001", batch_id=batch.id).parcel
    set_up.parcels.set_recipient(partner, parcel.id, villager_id=jie.id)
    transport = make_transport(PrinterConfig(kind="dummy"))
    app = make(dataclasses.replace(config, printer=PrinterConfig(kind="dummy")))
    app.services.printing.use_printer(PrinterConfig(kind="dummy"), transport)
    async with app.run_test(size=(150, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await type_text(pilot, "5678")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("space", "enter")
        await settle(app, pilot)
        await pilot.press("enter")  # the dialog: phone tail already filled in
        await settle(app, pilot)
        assert Parcel.get_by_id(parcel.id).status == "picked_up"
        assert PrintJob.get().status == "printed"
        assert "𠮷" in app.status[0] and "□" in app.status[0]
    printed = decode(transport.printer.output)
    assert "取件凭条" in printed.text and "𠮷" not in printed.text
