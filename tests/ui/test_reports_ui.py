from station.db.models import AuditEvent
from station.screens.reports import ReportsScreen
from station.services.exports import verify
from tests.ui.helpers import log_in, settle


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
