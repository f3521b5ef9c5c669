"""One line at the top of every screen: station, operator, printer state, backup age (from the app)."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Static

from station.i18n.translator import Translator


def backup_age_text(t: Translator, age: dt.timedelta | None) -> str:
    if age is None:
        return t("backup.status_none")
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        shown = t("backup.age_minutes", n=max(minutes, 0))
    elif minutes < 24 * 60:
        shown = t("backup.age_hours", n=minutes // 60)
    else:
        shown = t("backup.age_days", n=age.days)
    return t("backup.status_age", age=shown)


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; background: $primary; color: $text; padding: 0 1; }
    StatusLine.-backup-stale { background: $warning; color: $text; }
    StatusLine.-backup-old { background: $error; }
    StatusLine.-printer-failed { background: $error; }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "status", self.show_status)
        self.watch(self.app, "backup_level", self.show_backup_level)

    def show_status(self, status: tuple[str, bool]) -> None:
        text, alarm = status
        self.update(text)
        self.set_class(alarm, "-printer-failed")

    def show_backup_level(self, level: str) -> None:
        self.set_class(level == "stale", "-backup-stale")
        self.set_class(level == "old", "-backup-old")
