"""Issue 17: the printer never blocks a record, and a fault is never reported as printed."""

import dataclasses
import os
import socket
import struct
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.config import PrinterConfig
from station.db.models import PrintJob
from station.db.parcel_models import Parcel
from station.domain.errors import InvalidInput
from station.printing.escpos import render
from station.printing.layout import Receipt, Row, Rule, Text, byte_width, layout
from station.printing.transports import PrintFault, make_transport
from station.services.registry import build_services
from tests.printing.decode import decode

STATUS = b"\x10\x04\x04"


class Recorder:
    def __init__(self):
        self.sent = []

    def __call__(self, payload):
        self.sent.append(payload)


@pytest.fixture
def make_services(config, clock):
    def build(transport, printer=None):
        from station.db.database import open_database

        cfg = dataclasses.replace(config, printer=printer or config.printer)
        return build_services(open_database(cfg.db_path), cfg, clock, transport=transport)

    return build


class MisbehavingPrinter:
    """A raw port 9100 that answers the first status query, then misbehaves:
    `reset` reads a few bytes and resets the connection (RST); `stall` never reads again."""

    def __init__(self, mode):
        self.mode = mode
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        connection, _ = self.server.accept()
        with connection:
            connection.settimeout(5)
            assert connection.recv(3) == STATUS
            connection.sendall(b"\x12")  # paper present
            if self.mode == "stall":
                self.stop.wait(15)
                return
            connection.recv(64)
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # closing with linger 0 sends RST: "connection reset by peer" on the station's side

    def close(self):
        self.stop.set()
        self.server.close()


@pytest.mark.parametrize("mode, words", [("reset", "断开"), ("stall", "超时")])
def test_a_printer_that_resets_or_never_reads_fails_the_job(make_services, mode, words):
    printer = MisbehavingPrinter(mode)
    try:
        cfg = PrinterConfig(kind="network", host="127.0.0.1", port=printer.port, timeout=0.5)
        services = make_services(make_transport(cfg), cfg)
        services.operators.set_up_station(station_name="站", station_code="C1", partner_name="王", pin="123456")
        started = time.monotonic()
        job = services.printing.run(services.printing.print_test_page("王"))
        assert job.status == "failed", job
        assert words in job.last_error
        assert time.monotonic() - started < 4
        assert PrintJob.get_by_id(job.id).printed_at is None
    finally:
        printer.close()


def test_a_blocking_file_device_times_out_and_the_caller_goes_on(tmp_path):
    stuck = tmp_path / "lp0"
    os.mkfifo(stuck)  # opening a FIFO for writing blocks until someone reads: a stuck /dev/usb/lp0
    send = make_transport(PrinterConfig(kind="file", path=str(stuck), timeout=0.3))
    started = time.monotonic()
    with pytest.raises(PrintFault) as caught:
        send(b"receipt\n")
    assert caught.value.reason == "timeout"
    assert time.monotonic() - started < 2
    with open(stuck, "rb", buffering=0) as reader:  # release the stuck thread
        reader.read()


def test_an_error_on_close_is_a_failed_job(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this platform")
    send = make_transport(PrinterConfig(kind="file", path="/dev/full", timeout=2))
    with pytest.raises(PrintFault) as caught:
        send(b"x" * 100)
    assert caught.value.reason == "io_error" and caught.value.detail == "ENOSPC"


def test_a_refused_connection_is_worded_in_the_ui_language(make_services, config):
    unused = socket.create_server(("127.0.0.1", 0))
    port = unused.getsockname()[1]
    unused.close()
    cfg = PrinterConfig(kind="network", host="127.0.0.1", port=port, timeout=1)
    with pytest.raises(PrintFault) as caught:
        make_transport(cfg)(b"x")
    assert caught.value.reason == "refused" and caught.value.detail == ""


def test_a_hand_over_to_a_rare_name_commits_and_prints_with_a_replacement(make_services):
    transport = Recorder()
    services = make_services(transport)
    partner = services.operators.set_up_station(station_name="站", station_code="C1", partner_name="王", pin="123456")
    villager = services.villagers.add(partner, name="𠮷田🙂", phone="13900005678")  # registration stays allowed
    batch = services.parcels.start_batch(partner, shelf=1, layer=1, courier_name="韵达𪚥师傅")
    parcel = services.parcels.check_in(partner, "SF1234567890001", batch_id=batch.id).parcel
    services.parcels.set_recipient(partner, parcel.id, villager_id=villager.id)
    handed = services.pickup.hand_over(
        partner, [parcel.id], method="phone", proof="5678", collected_by="邻居𠮷大姐帮忙代取" * 3
    )
    assert Parcel.get_by_id(parcel.id).status == "picked_up"  # the record is committed
    job = services.printing.run(handed.job_id)
    assert job.status == "printed" and "𠮷" in job.replaced
    printed = decode(transport.sent[0])
    assert "□" in printed.text
    assert all(byte_width(line) <= 32 for line in printed.lines)


def test_a_retry_is_laid_out_for_the_paper_configured_now(make_services):
    transport = Recorder()
    narrow = PrinterConfig(kind="dummy", paper_mm=58)
    services = make_services(transport, narrow)
    services.operators.set_up_station(station_name="站", station_code="C1", partner_name="王", pin="123456")
    job_id = services.printing.print_test_page("王")
    wide = dataclasses.replace(narrow, paper_mm=80)
    services.printing.use_printer(wide, transport)
    services.printing.run(job_id)
    widths = {byte_width(line) for line in decode(transport.sent[0]).lines}
    assert max(widths) == 48


@pytest.mark.parametrize("columns", [32, 48])
@pytest.mark.parametrize(
    "element",
    [
        Row("快递员", "中通快递青山村网点王师傅（电话 13800138000，周一至周五）"),
        Row("代取人", "x" * 100),
        Row("商品" * 30, "¥1,234.50"),
        Text("很长的商品名称" * 10, bold=True),
        Text("很长的商品名称" * 10, double=True),
        Rule("="),
        Rule("─"),
    ],
)
def test_no_printed_line_is_wider_than_the_paper(columns, element):
    lines = layout(Receipt("x", "1", (element,)), columns)
    for line in lines:
        assert byte_width(line.text) * (2 if line.double else 1) <= columns
    decode(render(Receipt("x", "1", (element,)), columns=columns, width_dots=384 if columns == 32 else 576))


def test_long_values_keep_all_their_text():
    lines = layout(Receipt("x", "1", (Row("代取人", "甲乙丙丁" * 12),)), 32)
    assert "".join(line.text.strip() for line in lines) == "代取人" + "甲乙丙丁" * 12


def test_a_qr_module_too_large_for_the_paper_shrinks_to_fit(make_services):
    transport = Recorder()
    services = make_services(transport, PrinterConfig(kind="dummy", qr_module=16))
    services.operators.set_up_station(station_name="站", station_code="C1", partner_name="王", pin="123456")
    job = services.printing.run(services.printing.print_test_page("王"))
    assert job.status == "printed"
    assert decode(transport.sent[0]).qr_payloads()[0].startswith("C1/")


def test_unprintable_is_no_longer_raised_by_layout():
    try:
        layout(Receipt("x", "1", (Text("\x1b[31m 𠮷"),)), 32)
    except InvalidInput as error:  # pragma: no cover - the failure this test guards against
        pytest.fail(f"layout refused: {error}")


@settings(max_examples=150, deadline=None)
@given(
    left=st.text(max_size=60),
    right=st.text(max_size=90),
    columns=st.sampled_from([32, 48]),
)
def test_any_text_lays_out_within_the_paper(left, right, columns):
    """Whatever a name or note holds (emoji, 𠮷, controls), the layout neither refuses nor overflows."""
    lines = layout(Receipt("x", "1", (Row(left, right), Text(left + right))), columns)
    assert all(byte_width(line.text) <= columns for line in lines)
