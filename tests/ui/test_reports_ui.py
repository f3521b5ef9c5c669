import json

from station.db.models import AuditEvent
from station.screens.reports import ReportsScreen
from station.services.exports import verify
from tests.ui.helpers import log_in, press_each, settle


async def test_export_from_the_tui_with_progress_and_unmasked_confirmation(make, set_up, tmp_path):
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)
        await pilot.press("ctrl+u")
        await settle(app, pilot)
        app.screen.query_one("#period").value = "2026-11"
        app.screen.query_one("#out").value = str(tmp_path / "out")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("y")  # yes, unmasked
        await settle(app, pilot)
        assert verify(tmp_path / "out") == []
        assert app.screen.query_one("#export-progress").percentage == 1.0
        assert AuditEvent.select().where(AuditEvent.kind == "export.unmasked").count() == 1


async def test_the_export_folder_follows_the_month_typed_until_it_is_edited(make, set_up, config):
    """The folder offered is named for the month offered; typing another month renames it (the
    November export went into a folder named for October), unless the folder was typed by hand."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await press_each(app, pilot, "f7", "ctrl+e")
        out = app.screen.query_one("#out")
        assert out.value == str(config.export_dir / "2026-10")
        await pilot.press("end", "backspace", "backspace", "1", "1")
        await settle(app, pilot)
        assert out.value == str(config.export_dir / "2026-11")
        await press_each(app, pilot, "ctrl+s")
        assert isinstance(app.screen, ReportsScreen)
        assert json.loads((config.export_dir / "2026-11" / "manifest.json").read_text())["period"] == "2026-11"
        assert not (config.export_dir / "2026-10").exists()

        await press_each(app, pilot, "ctrl+e")
        await pilot.press("tab", "end", "backspace", "backspace", "x", "shift+tab", "end", "backspace", "0")
        await settle(app, pilot)
        assert app.screen.query_one("#period").value == "2026-10"
        assert app.screen.query_one("#out").value == str(config.export_dir / "2026-x")  # as typed
