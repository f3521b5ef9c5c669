"""Send bytes to the printer through python-escpos; faults become PrintFault with a reason.

python-escpos is imported lazily, with stdout captured and its loggers kept quiet, because
some versions print on import and that would corrupt the TUI.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import socket
import threading
from collections.abc import Callable
from typing import Any

from station.config import PrinterConfig

PAPER_STATUS = b"\x10\x04\x04"  # DLE EOT 4: paper roll sensor status
PAPER_END_BITS = 0x60


class PrintFault(Exception):
    """The printer did not take the job: missing, refused, timed out, out of paper."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason  # device_missing | refused | timeout | reset | paper_out | io_error | no_printer
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


Transport = Callable[[bytes], None]


def _escpos_printers() -> Any:
    for name in ("escpos", "usb", "serial"):
        logging.getLogger(name).addHandler(logging.NullHandler())
        logging.getLogger(name).propagate = False
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import escpos.printer as printers
    return printers


def _escpos_error() -> type[Exception]:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        from escpos.exceptions import Error
    return Error


def make_printer(config: PrinterConfig) -> Any:
    """The python-escpos printer object for the configured kind (not yet opened)."""
    printers = _escpos_printers()
    kind = config.kind
    if kind == "usb":
        return printers.Usb(config.usb_vendor, config.usb_product, timeout=int(config.timeout * 1000))
    if kind == "serial":
        return printers.Serial(devfile=config.device, baudrate=config.baudrate, timeout=config.timeout)
    if kind == "network":
        return printers.Network(config.host, port=config.port, timeout=config.timeout)
    if kind == "file":
        return printers.File(devfile=config.path)
    if kind == "cups":
        return printers.CupsPrinter(printer_name=config.queue)
    if kind == "dummy":
        return printers.Dummy()
    raise PrintFault("no_printer")


def _check_paper(printer: Any, timeout: float) -> None:
    """Ask a network printer for its paper status; no answer in time is a timeout.

    Asked again after the receipt: the printer answers only once it has read everything before
    the question, so a printer that accepted the job into its socket buffer and then never read
    it (or reset the connection) fails the job instead of counting as printed."""
    device: socket.socket = printer.device
    device.settimeout(timeout)
    device.sendall(PAPER_STATUS)
    status = device.recv(1)
    if not status:
        raise PrintFault("reset")
    if status[0] & PAPER_END_BITS:
        raise PrintFault("paper_out")


def _chain(error: BaseException) -> list[BaseException]:
    """The error and what caused it (python-escpos wraps socket errors in its own)."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def classify(error: BaseException) -> PrintFault:
    """A PrintFault whose reason the UI words in its own language (no raw English detail)."""
    chain = _chain(error)
    for cause in chain:
        if isinstance(cause, PrintFault):
            return cause
        if isinstance(cause, ConnectionRefusedError):
            return PrintFault("refused")
        if isinstance(cause, TimeoutError):
            return PrintFault("timeout")
        if isinstance(cause, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
            return PrintFault("reset")
    for cause in chain:
        if isinstance(cause, OSError) and cause.errno is not None:
            name = errno.errorcode.get(cause.errno, str(cause.errno))
            missing = cause.errno in (errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.EHOSTUNREACH, errno.ENETUNREACH)
            return PrintFault("device_missing" if missing else "io_error", name)
    name = type(error).__name__
    return PrintFault("device_missing" if "NotFound" in name else "io_error", name)


def send_with(printer: Any, payload: bytes, *, check_paper: bool, timeout: float) -> None:
    """Open, (check paper), write, (check again), close: every failure becomes a PrintFault.

    An error while closing (a file printer's last flush) fails the job too: it is not printed."""
    fault: PrintFault | None = None
    try:
        printer.open()
        if check_paper:
            _check_paper(printer, timeout)
        printer._raw(payload)
        if check_paper:
            _check_paper(printer, timeout)
    except (OSError, PrintFault, _escpos_error()) as error:  # DeviceNotFoundError, USBNotFoundError, …
        fault = classify(error)
    try:
        printer.close()
    except (OSError, _escpos_error()) as error:
        fault = fault or classify(error)
    if fault is not None:
        raise fault


def _deadline(config: PrinterConfig) -> float:
    """How long one job may take: every kind is bounded (a stuck /dev/usb/lp0 too)."""
    if config.kind == "network":  # connect, status, send, status: each bounded by the socket
        return config.timeout * 4 + 1
    return config.timeout


def send_bounded(printer: Any, payload: bytes, config: PrinterConfig) -> None:
    """send_with in a daemon thread: a device that blocks fails the job after the timeout and
    the caller goes on (the stuck thread ends with the process or when the device wakes)."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            send_with(printer, payload, check_paper=config.kind == "network", timeout=config.timeout)
        except PrintFault as fault:
            outcome["fault"] = fault
        except Exception as error:  # a job that did not complete is failed, never printed
            logging.getLogger(__name__).exception("printer send failed")
            outcome["fault"] = classify(error)
        else:
            outcome["done"] = True

    worker = threading.Thread(target=work, name="printer-send", daemon=True)
    worker.start()
    worker.join(_deadline(config))
    if worker.is_alive():
        raise PrintFault("timeout")
    if "fault" in outcome:
        raise outcome["fault"]
    if not outcome.get("done"):
        raise PrintFault("io_error")


class DummyTransport:
    """One in-memory printer for the whole run, so what was printed can be read back (`.printer`)."""

    def __init__(self, printer: Any, timeout: float) -> None:
        self.printer, self.timeout = printer, timeout

    def __call__(self, payload: bytes) -> None:
        send_with(self.printer, payload, check_paper=False, timeout=self.timeout)


def make_transport(config: PrinterConfig) -> Transport:
    """A callable that sends one job's bytes to the configured printer."""
    if config.kind == "none":

        def no_printer(payload: bytes) -> None:
            raise PrintFault("no_printer")

        return no_printer

    if config.kind == "dummy":
        return DummyTransport(make_printer(config), config.timeout)

    def send(payload: bytes) -> None:
        try:
            printer = make_printer(config)
        except (OSError, _escpos_error()) as error:
            raise classify(error) from error
        send_bounded(printer, payload, config)

    return send
