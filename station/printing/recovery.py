"""Start-up recovery of the print queue, kept apart from the queue so that opening the app
does not load the receipt and ESC/POS code."""

from __future__ import annotations

from peewee import Database

from station.db.models import PrintJob
from station.i18n.translator import Translator


def recover_interrupted(db: Database, t: Translator) -> int:
    """Jobs left "printing" by a crash or power cut become failed (to retry by hand)."""
    with db.atomic():
        return (
            PrintJob.update(status="failed", last_error=t("print.fault.interrupted", detail=""))
            .where(PrintJob.status == "printing")
            .execute()
        )
