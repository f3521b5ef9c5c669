"""The print queue: a PrintJob row is written with the record; printing happens afterwards.

A job is claimed atomically before it is sent, so a retry prints once even if two workers
try; a job left "printing" by a crash is marked failed on the next start.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from peewee import Database

from station.config import PrinterConfig
from station.db.models import PrintJob, Station
from station.domain.clock import Clock
from station.domain.errors import NotAllowed, NotFound
from station.i18n.translator import Translator
from station.printing.escpos import render
from station.printing.layout import Receipt, replaced_characters
from station.printing.receipts import ReceiptContext, test_page, with_reprint_banner
from station.printing.recovery import recover_interrupted
from station.printing.transports import PrintFault, Transport


@dataclass(frozen=True)
class JobInfo:
    id: int
    kind: str
    ref: str
    receipt_no: str
    status: str
    attempts: int
    last_error: str
    is_reprint: bool
    created_at: dt.datetime
    replaced: str = ""  # characters printed as a replacement (pinyin or □), for the status line


def _info(row: PrintJob) -> JobInfo:
    return JobInfo(
        row.id,
        row.kind,
        row.ref,
        row.receipt_no,
        row.status,
        row.attempts,
        row.last_error,
        row.is_reprint,
        row.created_at,
    )


class PrintService:
    def __init__(self, db: Database, clock: Clock, config: PrinterConfig, transport: Transport, t: Translator) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.transport = transport
        self.t = t

    def use_printer(self, config: PrinterConfig, transport: Transport) -> None:
        """Switch to newly saved printer settings."""
        self.config = config
        self.transport = transport

    def render(self, receipt: Receipt) -> bytes:
        return render(
            receipt,
            columns=self.config.width_columns,
            width_dots=self.config.width_dots,
            qr_module=self.config.qr_module,
            qr_error=self.config.qr_error,
        )

    def _queued_payload(self, receipt: Receipt) -> bytes:
        """The bytes a new job keeps, or none when its layout does not fit this paper (a QR wider
        than a hand-set `printer.dots`): the business record is written all the same, and `run`
        lays the receipt out again and fails the job with the layout message until the width is
        corrected."""
        try:
            return self.render(receipt)
        except ValueError:
            return b""

    def next_receipt_no(self) -> str:
        """`YYYYMMDD-NNNN`, counting today's original receipts (call inside the transaction)."""
        today = self.clock.now().date()
        start = dt.datetime.combine(today, dt.time())
        count = (
            PrintJob.select()
            .where((PrintJob.created_at >= start) & (PrintJob.is_reprint == False))  # noqa: E712
            .count()
        )
        return f"{today:%Y%m%d}-{count + 1:04d}"

    def context(self, operator_name: str) -> ReceiptContext:
        """Header facts for a new receipt (call inside the transaction that records it)."""
        station = Station.select().first()
        return ReceiptContext(
            station.name if station else "",
            station.code if station else "",
            self.next_receipt_no(),
            self.clock.now(),
            operator_name,
        )

    def print_test_page(self, operator_name: str) -> int:
        with self.db.atomic():
            receipt = test_page(self.t, self.context(operator_name), self.config.width_columns)
            return self.enqueue(receipt, ref="test")

    def enqueue(self, receipt: Receipt, *, ref: str) -> int:
        """Queue a receipt inside the caller's transaction.

        Characters the printer cannot print are replaced in the printout (pinyin or □), never
        refused: the business record must not wait for the printer's font."""
        payload = self._queued_payload(receipt)
        with self.db.atomic():
            row = PrintJob.create(
                created_at=self.clock.now(),
                kind=receipt.kind,
                ref=ref,
                receipt_no=receipt.receipt_no,
                document=receipt.to_json(),
                payload=payload,
            )
        return row.id

    def run(self, job_id: int) -> JobInfo:
        """Send a queued or failed job to the printer once; record the outcome."""
        with self.db.atomic():
            claimed = (
                PrintJob.update(status="printing", attempts=PrintJob.attempts + 1)
                .where((PrintJob.id == job_id) & (PrintJob.status.in_(("queued", "failed"))))
                .execute()
            )
        if not claimed:
            job = self.job(job_id)
            raise NotAllowed("print.not_printable_now", receipt_no=job.receipt_no, status=job.status)
        row = PrintJob.get_by_id(job_id)
        replaced = ""
        try:
            # Laid out again for the paper width configured now (a retry after a settings change).
            receipt = Receipt.from_json(row.document) if row.document else None
            payload = self.render(receipt) if receipt is not None else bytes(row.payload)
            replaced = replaced_characters(receipt) if receipt is not None else ""
            self.transport(payload)
        except PrintFault as fault:
            error = self.t(f"print.fault.{fault.reason}", detail=fault.detail)
            with self.db.atomic():
                PrintJob.update(status="failed", last_error=error).where(PrintJob.id == job_id).execute()
        except ValueError as problem:  # the layout does not fit this paper (a QR wider than it)
            error = self.t("validation.print_layout", detail=type(problem).__name__)
            with self.db.atomic():
                PrintJob.update(status="failed", last_error=error).where(PrintJob.id == job_id).execute()
        else:
            with self.db.atomic():
                PrintJob.update(status="printed", last_error="", printed_at=self.clock.now(), payload=payload).where(
                    PrintJob.id == job_id
                ).execute()
        return dataclasses.replace(self.job(job_id), replaced=replaced)

    def reprint(self, job_id: int) -> int:
        """A new job for the same receipt, marked 重印 / REPRINT."""
        original = PrintJob.get_or_none(PrintJob.id == job_id)
        if original is None:
            raise NotFound("print.no_such_job")
        receipt = with_reprint_banner(self.t, Receipt.from_json(original.document))
        with self.db.atomic():
            row = PrintJob.create(
                created_at=self.clock.now(),
                kind=original.kind,
                ref=original.ref,
                receipt_no=original.receipt_no,
                document=receipt.to_json(),
                payload=self._queued_payload(receipt),
                is_reprint=True,
            )
        return row.id

    def job(self, job_id: int) -> JobInfo:
        row = PrintJob.get_or_none(PrintJob.id == job_id)
        if row is None:
            raise NotFound("print.no_such_job")
        return _info(row)

    def document(self, job_id: int) -> Receipt:
        return Receipt.from_json(PrintJob.get_by_id(job_id).document)

    def jobs(self, *, status: str | None = None, limit: int = 200) -> list[JobInfo]:
        query = PrintJob.select().order_by(PrintJob.id.desc()).limit(limit)
        if status:
            query = query.where(PrintJob.status == status)
        return [_info(row) for row in query]

    def failed_count(self) -> int:
        return PrintJob.select().where(PrintJob.status == "failed").count()

    def recover_interrupted(self) -> int:
        return recover_interrupted(self.db, self.t)
