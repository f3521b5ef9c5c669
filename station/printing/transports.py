"""Send bytes to the printer through python-escpos; faults become PrintFault with a reason.

python-escpos is imported lazily, with stdout captured and its loggers kept quiet, because
some versions print on import and that would corrupt the TUI.
"""

from __future__ import annotations

import contextlib
import io
import logging
import socket
from collections.abc import Callable
from typing import Any

from station.config import PrinterConfig

PAPER_STATUS = b"\x10\x04\x04"  # DLE EOT 4: paper roll sensor status
PAPER_END_BITS = 0x60


class PrintFault(Exception):
    """The printer did not take the job: missing, refused, timed out, out of paper."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason  # device_missing | refused | timeout | paper_out | io_error
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
    """Ask a network printer for its paper status; no answer in time is a timeout."""
    device: socket.socket = printer.device
    device.settimeout(timeout)
    device.sendall(PAPER_STATUS)
    status = device.recv(1)
    if not status:
        raise PrintFault("io_error", "printer closed the connection")
    if status[0] & PAPER_END_BITS:
        raise PrintFault("paper_out")


def send_with(printer: Any, payload: bytes, *, check_paper: bool, timeout: float) -> None:
    """Open, (check paper), write, close: every failure becomes a PrintFault."""
    try:
        printer.open()
        if check_paper:
            _check_paper(printer, timeout)
        printer._raw(payload)
    except TimeoutError as error:
        raise PrintFault("timeout", str(error)) from error
    except ConnectionRefusedError as error:
        raise PrintFault("refused", str(error)) from error
    except OSError as error:
        raise PrintFault("io_error", str(error)) from error
    except _escpos_error() as error:  # DeviceNotFoundError, USBNotFoundError, …
        name = type(error).__name__
        reason = "device_missing" if "NotFound" in name else "io_error"
        raise PrintFault(reason, f"{name}: {error}") from error
    finally:
        with contextlib.suppress(OSError):  # closing a dead device must not hide the fault
            printer.close()


def make_transport(config: PrinterConfig) -> Transport:
    """A callable that sends one job's bytes to the configured printer."""
    if config.kind == "none":

        def no_printer(payload: bytes) -> None:
            raise PrintFault("no_printer")

        return no_printer

    if config.kind == "dummy":
        # One in-memory printer for the whole run, so what was printed can be read back.
        dummy = make_printer(config)

        def send_to_dummy(payload: bytes) -> None:
            send_with(dummy, payload, check_paper=False, timeout=config.timeout)

        send_to_dummy.printer = dummy  # type: ignore[attr-defined]
        return send_to_dummy

    def send(payload: bytes) -> None:
        try:
            printer = make_printer(config)
        except (OSError, _escpos_error()) as error:
            raise PrintFault("device_missing", str(error)) from error
        send_with(
            printer,
            payload,
            check_paper=config.kind == "network",
            timeout=config.timeout,
        )

    return send
