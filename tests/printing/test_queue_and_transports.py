import dataclasses
import socket
import threading
import time

import pytest

from station.config import PrinterConfig
from station.db.models import PrintJob
from station.domain.errors import NotAllowed
from station.printing.layout import Text
from station.printing.receipts import build_receipt
from station.printing.transports import PrintFault, make_transport
from station.services.registry import build_services
from tests.printing.decode import decode


class Recorder:
    """A fake transport: fails the first `failures` calls with `fault`, then records."""

    def __init__(self, fault=None, failures=0):
        self.fault, self.failures, self.sent = fault, failures, []

    def __call__(self, payload):
        if self.failures:
            self.failures -= 1
            raise self.fault
        self.sent.append(payload)


@pytest.fixture
def make_services(config, clock):
    def build(transport, printer=None):
        from station.db.database import open_database

        cfg = dataclasses.replace(config, printer=printer or config.printer)
        return build_services(open_database(cfg.db_path), cfg, clock, transport=transport)

    return build


@pytest.mark.parametrize(
    "fault, reason",
    [
        (PrintFault("device_missing", "USB 0416:5011"), "找不到打印机"),
        (PrintFault("timeout", "5 s"), "超时"),
        (PrintFault("paper_out"), "缺纸"),
        (PrintFault("io_error", "broken pipe"), "打印出错"),
    ],
)
def test_a_fault_marks_the_job_failed_and_a_retry_prints_once(make_services, fault, reason):
    transport = Recorder(fault, failures=1)
    services = make_services(transport)
    services.operators.set_up_station(station_name="站", station_code="C1", partner_name="王", pin="123456")
    job_id = services.printing.print_test_page("王")
    failed = services.printing.run(job_id)
    assert failed.status == "failed" and reason in failed.last_error and transport.sent == []
    assert services.printing.failed_count() == 1
    printed = services.printing.run(job_id)  # the retry
    assert printed.status == "printed" and printed.attempts == 2
    assert len(transport.sent) == 1
    with pytest.raises(NotAllowed):
        services.printing.run(job_id)  # already printed: a second retry prints nothing
    assert len(transport.sent) == 1
    assert "打印测试" in decode(transport.sent[0]).text


def test_reprint_is_a_new_job_marked_reprint(make_services):
    transport = Recorder()
    services = make_services(transport)
    services.operators.set_up_station(station_name="站", station_code="C1", partner_name="王", pin="123456")
    job_id = services.printing.print_test_page("王")
    services.printing.run(job_id)
    again = services.printing.reprint(job_id)
    services.printing.run(again)
    first, second = (decode(p) for p in transport.sent)
    assert "重印 / REPRINT" not in first.text and second.lines[0] == "重印 / REPRINT"
    assert PrintJob.get_by_id(again).receipt_no == PrintJob.get_by_id(job_id).receipt_no


def test_interrupted_jobs_become_failed(make_services):
    services = make_services(Recorder())
    services.operators.set_up_station(station_name="站", station_code="C1", partner_name="王", pin="123456")
    job_id = services.printing.print_test_page("王")
    PrintJob.update(status="printing").where(PrintJob.id == job_id).execute()
    assert services.printing.recover_interrupted() == 1
    assert services.printing.job(job_id).status == "failed"


def test_receipt_numbers_count_up_per_day(make_services, clock):
    services = make_services(Recorder())
    services.operators.set_up_station(station_name="站", station_code="C1", partner_name="王", pin="123456")
    first = services.printing.job(services.printing.print_test_page("王")).receipt_no
    second = services.printing.job(services.printing.print_test_page("王")).receipt_no
    clock.advance(days=1)
    third = services.printing.job(services.printing.print_test_page("王")).receipt_no
    assert (first, second, third) == ("20261123-0001", "20261123-0002", "20261124-0001")


# A printer set narrower than the receipt's QR (a hand-edited `printer.dots`): the business record
# is still written and its receipt queued; the job fails with the layout message when it is sent,
# and a retry after the width is corrected prints it.
def test_a_qr_wider_than_the_paper_does_not_refuse_the_record(make_services, config):
    transport = Recorder()
    services = make_services(transport, dataclasses.replace(config.printer, dots=24))
    services.operators.set_up_station(station_name="站", station_code="C1", partner_name="王", pin="123456")
    printing = services.printing
    receipt = build_receipt(printing.t, "test", printing.context("王"), [Text("x")], proof="p" * 64)
    with services.printing.db.atomic():  # a business transaction that queues its receipt
        job_id = printing.enqueue(receipt, ref="x")  # was: ValueError, the record rolled back
    assert PrintJob.get_by_id(job_id).status == "queued"
    failed = services.printing.run(job_id)
    assert failed.status == "failed" and failed.last_error and transport.sent == []
    services.printing.use_printer(dataclasses.replace(config.printer, dots=0), transport)
    assert services.printing.run(job_id).status == "printed"
    assert decode(transport.sent[0]).qr_payloads()


# -- a real network transport against listeners on 127.0.0.1 ------------------------------


class FakeNetworkPrinter:
    """Listens like a printer's raw port 9100: answers the paper status query, records bytes."""

    def __init__(self, *, answer_status=True, paper_out=False):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = bytearray()
        self.answer_status, self.paper_out = answer_status, paper_out
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        connection, _ = self.server.accept()
        with connection:
            if not self.answer_status:  # accepts, never reads, never answers
                self.done.wait(10)
                return
            connection.settimeout(5)
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                self.received += chunk
                # Like a real printer, it answers a status query once it has read up to it.
                if self.received.endswith(b"\x10\x04\x04"):
                    connection.sendall(b"\x72" if self.paper_out else b"\x12")
                    del self.received[-3:]
        self.done.set()

    def close(self):
        self.done.set()
        self.server.close()


def network_config(port, timeout=1.0):
    return PrinterConfig(kind="network", host="127.0.0.1", port=port, timeout=timeout)


def test_network_printer_receives_a_decodable_receipt(make_services):
    printer = FakeNetworkPrinter()
    try:
        cfg = network_config(printer.port)
        services = make_services(make_transport(cfg), cfg)
        services.operators.set_up_station(station_name="站", station_code="C1", partner_name="王", pin="123456")
        job = services.printing.run(services.printing.print_test_page("王"))
        assert job.status == "printed"
        assert printer.done.wait(5)
        printed = decode(bytes(printer.received))
        assert "中文测试：村淘服务站 欢迎光临" in printed.lines
        assert printed.qr_payloads()[0].startswith("C1/20261123-0001/")
    finally:
        printer.close()


def test_a_printer_that_never_answers_times_out_and_fails_the_job(make_services):
    printer = FakeNetworkPrinter(answer_status=False)
    try:
        cfg = network_config(printer.port, timeout=0.5)
        services = make_services(make_transport(cfg), cfg)
        services.operators.set_up_station(station_name="站", station_code="C1", partner_name="王", pin="123456")
        started = time.monotonic()
        job = services.printing.run(services.printing.print_test_page("王"))
        assert job.status == "failed" and "超时" in job.last_error
        assert time.monotonic() - started < 3
    finally:
        printer.close()


def test_paper_out_is_reported(make_services):
    printer = FakeNetworkPrinter(paper_out=True)
    try:
        cfg = network_config(printer.port)
        services = make_services(make_transport(cfg), cfg)
        services.operators.set_up_station(station_name="站", station_code="C1", partner_name="王", pin="123456")
        job = services.printing.run(services.printing.print_test_page("王"))
        assert job.status == "failed" and "缺纸" in job.last_error
    finally:
        printer.close()


def test_connection_refused_fails_the_job(make_services):
    unused = socket.create_server(("127.0.0.1", 0))
    port = unused.getsockname()[1]
    unused.close()
    cfg = network_config(port)
    services = make_services(make_transport(cfg), cfg)
    services.operators.set_up_station(station_name="站", station_code="C1", partner_name="王", pin="123456")
    job = services.printing.run(services.printing.print_test_page("王"))
    assert job.status == "failed"
    assert "拒绝" in job.last_error and "Errno" not in job.last_error and "refused" not in job.last_error


def test_file_and_dummy_transports(tmp_path):
    target = tmp_path / "printer.bin"
    make_transport(PrinterConfig(kind="file", path=str(target)))(b"abc\n")
    assert target.read_bytes() == b"abc\n"
    dummy = make_transport(PrinterConfig(kind="dummy"))
    dummy(b"one\n")
    dummy(b"two\n")
    assert dummy.printer.output == b"one\ntwo\n"
    with pytest.raises(PrintFault) as caught:
        make_transport(PrinterConfig(kind="none"))(b"x")
    assert caught.value.reason == "no_printer"
    with pytest.raises(PrintFault) as caught:
        make_transport(PrinterConfig(kind="file", path=str(tmp_path / "no" / "dir" / "lp0")))(b"x")
    assert caught.value.reason in ("device_missing", "io_error")
