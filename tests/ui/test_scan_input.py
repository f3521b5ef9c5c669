"""ScanInput on its own: Enter is a scan in key order, a pasted block is several scans."""

from textual import events
from textual.app import App, ComposeResult

from station.widgets.scan_input import ScanInput


class ScanApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.scans: list[str] = []

    def compose(self) -> ComposeResult:
        yield ScanInput(id="scan")

    def on_scan_input_scanned(self, message: ScanInput.Scanned) -> None:
        self.scans.append(message.value)


async def test_scans_typed_without_pauses_stay_apart():
    app = ScanApp()
    async with app.run_test() as pilot:
        await pilot.press(*"123", "enter", *"456", "enter", *"78")
        await pilot.pause()
        assert app.scans == ["123", "456"]
        assert app.query_one(ScanInput).value == "78"


async def test_a_pasted_block_is_several_scans_and_one_line_is_plain_text():
    app = ScanApp()
    async with app.run_test() as pilot:
        scan = app.query_one(ScanInput)
        await pilot.press(*"12")
        scan.post_message(events.Paste("3\r\n456\n\n789"))
        await pilot.pause()
        assert app.scans == ["123", "456"]
        assert scan.value == "789"
        scan.post_message(events.Paste("0"))
        await pilot.pause()
        assert scan.value == "7890" and app.scans == ["123", "456"]
