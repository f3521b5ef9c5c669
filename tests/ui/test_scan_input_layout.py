"""Issue 22: a key typed into the scan box is not a layout of the whole screen (the counter's
latency), and a code longer than the box still scrolls."""

from textual.app import App, ComposeResult

from station.widgets.scan_input import ScanInput


class ScanApp(App[None]):
    CSS = "ScanInput { width: 30; }"

    def compose(self) -> ComposeResult:
        yield ScanInput(id="scan")


async def test_typing_a_code_that_fits_asks_for_no_layout_and_a_long_one_scrolls():
    app = ScanApp()
    async with app.run_test(size=(60, 10)) as pilot:
        scan = app.query_one(ScanInput)
        await pilot.pause()
        layouts = []
        original = scan.refresh

        def counting_refresh(*args, layout=False, **kwargs):
            if layout:
                layouts.append(scan.value)
            return original(*args, layout=layout, **kwargs)

        scan.refresh = counting_refresh
        await pilot.press(*"SF1234567890123")
        await pilot.pause()
        assert len(layouts) <= 1 and scan.virtual_size.width >= scan.content_size.width  # not one a key
        await pilot.press(*"4567890123456789012345")  # now longer than the box
        await pilot.pause()
        assert scan.virtual_size.width > scan.content_size.width
        assert scan.scroll_offset.x > 0  # the cursor's end is in view
