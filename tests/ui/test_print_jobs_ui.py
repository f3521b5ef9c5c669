from station.screens.print_jobs import PrintJobsScreen
from station.screens.receipt_preview import ReceiptPreview
from tests.ui.helpers import log_in, settle


async def test_a_receipt_waiting_without_a_printer_can_be_previewed(make, set_up):
    set_up.printing.print_test_page("王秀英")
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert isinstance(app.screen, PrintJobsScreen)
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, ReceiptPreview)
        paper = str(app.screen.query_one("#paper").render())
        assert "打印测试" in paper and "▀" in paper
