"""Layout snapshots: every area's main screen and its main dialog, at 100×30 and 160×45 in
zh_CN and at 100×30 in English, on the demo station (fixed clock, seeded data).

One app run per size and language walks all areas by keys (a start per picture would make
this the slowest test of the suite). Pictures are pytest-textual-snapshot SVGs under
__snapshots__/; after an intended layout change, look at them and run
`pytest tests/snapshots --snapshot-update`.
"""

from __future__ import annotations

import dataclasses

import pytest
from pytest_textual_snapshot import SVGImageExtension
from textual.widgets import Input

from station.config import UiConfig
from tests.ui.helpers import log_in, settle, type_text

# (picture name, keys from the area's screen; "ESC" closes what the keys opened afterwards)
WALK = (
    ("home", ("f9",), ()),
    ("parcels", ("f2",), ()),
    ("parcels-check-in", ("ctrl+n",), ("escape",)),
    ("purchases", ("f3",), ()),
    ("purchases-order", ("enter",), ("escape",)),
    ("purchases-new-order", ("ctrl+n", "PICK"), ("escape",)),
    ("consignments", ("f4",), ()),
    ("consignments-intake", ("ctrl+n", "PICK"), ("escape",)),
    ("utilities", ("f5",), ()),
    ("utilities-record-bill", ("ctrl+n",), ("escape",)),
    ("villagers", ("f6",), ()),
    ("villagers-add", ("ctrl+n",), ("escape",)),
    ("reports", ("f7",), ()),
    ("reports-period", ("p",), ("escape",)),
    ("shift", ("f8",), ()),
    ("shift-complaints", ("ctrl+y",), ("escape",)),
)


async def still(app, pilot) -> None:
    """Nothing that moves on its own: no blinking cursor, no toasts."""
    await settle(app, pilot)
    for field in app.screen.query(Input):
        field.cursor_blink = False
    app.clear_notifications()
    await pilot.pause()
    await pilot.pause()  # a footer rebuilt after the last refresh (call_after_refresh) is drawn too


async def steady_screenshot(app, pilot) -> str:
    """The screen once it has stopped changing: a footer or a tile rebuilt after the last refresh
    (call_after_refresh) is drawn a frame later on a busy machine. A screen that never settles
    is still compared, and fails."""
    shot = app.export_screenshot(title="station")
    for _ in range(40):
        await pilot.pause(0.05)
        again = app.export_screenshot(title="station")
        if again == shot:
            return shot
        shot = again
    return shot


async def walk(app, pilot, snapshot, prefix: str) -> list[str]:
    failed = []
    await log_in(app, pilot)
    for name, keys, after in WALK:
        for key in keys:
            if key == "PICK":  # the villager picker: the first villager offered
                await type_text(pilot, "zs")
                await settle(app, pilot)
                key = "enter"
            await pilot.press(key)
            await settle(app, pilot)
        await still(app, pilot)
        if not snapshot(name=f"{prefix}-{name}") == await steady_screenshot(app, pilot):
            failed.append(name)
        for key in after:
            await pilot.press(key)
            await settle(app, pilot)
    return failed


@pytest.mark.parametrize(
    ("locale", "size"),
    [("zh_CN", (100, 30)), ("zh_CN", (160, 45)), ("en", (100, 30))],
    ids=["zh_CN-100x30", "zh_CN-160x45", "en-100x30"],
)
async def test_every_area_and_its_main_dialog(make, config, demo_db, snapshot, locale, size):
    app = make(dataclasses.replace(config, ui=UiConfig(locale=locale)))
    async with app.run_test(size=size) as pilot:
        failed = await walk(app, pilot, snapshot.use_extension(SVGImageExtension), f"{locale}-{size[0]}x{size[1]}")
    assert failed == []
