"""StationConfig: paths (platformdirs, or everything under STATION_HOME) and config.toml.

`load_config` is a pure function of the environment mapping and the files it names.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from station.domain.errors import InvalidInput, StationError
from station.domain.money import MAX_FEN

APP_NAME = "station"
LOCALES = ("zh_CN", "en")
PRINTER_KINDS = ("none", "usb", "serial", "network", "file", "cups", "dummy")


class ConfigError(StationError, ValueError):
    """A bad config file: the message (a catalogue key) names the file and the key."""

    key = "validation.config_invalid"

    def __str__(self) -> str:
        # Shown before the locale is known (and in logs): the English text.
        from station.i18n.translator import Translator

        return Translator("en")(self.key, **self.values)


# Allowed ranges, by "section.key" (inclusive). A hand-edited `port = -5` is refused by name.
RANGES: dict[str, tuple[float, float]] = {
    "printer.paper_mm": (40, 120),
    "printer.columns": (0, 72),
    "printer.dots": (0, 832),
    "printer.usb_vendor": (0, 0xFFFF),
    "printer.usb_product": (0, 0xFFFF),
    "printer.baudrate": (300, 921600),
    "printer.port": (1, 65535),
    "printer.timeout": (0.5, 60),
    "printer.qr_module": (1, 16),
    "parcels.shelves": (1, 99),
    "parcels.layers": (1, 9),
    "parcels.holding_fee_after_days": (0, 3650),
    "parcels.holding_fee_per_day_fen": (0, MAX_FEN),
    "counter.service_fee_fen": (0, MAX_FEN),
    "counter.commission_bp": (0, 10000),
    "counter.min_payout_fen": (0, MAX_FEN),
    "counter.markdown_after_days": (0, 3650),
    "counter.markdown_bp": (0, 10000),
    "counter.near_expiry_days": (0, 3650),
    "counter.reversal_approval_fen": (0, MAX_FEN),
    "counter.backups_kept": (1, 1000),
    "security.pin_cost": (10, 20),
    "security.pin_cost_r": (1, 32),
}
CHOICES: dict[str, tuple[str, ...]] = {
    "ui.locale": LOCALES,
    "printer.kind": PRINTER_KINDS,
    "printer.qr_error": ("L", "M", "Q", "H"),
}


@dataclass(frozen=True)
class UiConfig:
    locale: str = "zh_CN"


@dataclass(frozen=True)
class PrinterConfig:
    kind: str = "none"
    profile: str = "default"
    paper_mm: int = 58
    columns: int = 0  # 0: from the paper width (58 mm → 32, 80 mm → 48)
    dots: int = 0  # 0: from the paper width (58 mm → 384, 80 mm → 576)
    encoding: str = "gb18030"
    usb_vendor: int = 0
    usb_product: int = 0
    device: str = "/dev/ttyUSB0"
    baudrate: int = 9600
    host: str = ""
    port: int = 9100
    path: str = ""
    queue: str = ""
    timeout: float = 5.0
    qr_module: int = 4  # dots per QR module
    qr_error: str = "M"  # L | M | Q | H

    @property
    def width_columns(self) -> int:
        return self.columns or (48 if self.paper_mm >= 80 else 32)

    @property
    def width_dots(self) -> int:
        return self.dots or (576 if self.paper_mm >= 80 else 384)


@dataclass(frozen=True)
class ParcelConfig:
    shelves: int = 8
    layers: int = 6
    overdue_days: list[int] = field(default_factory=lambda: [3, 7, 15])
    holding_fee_after_days: int = 0  # 0 = no holding fee
    holding_fee_per_day_fen: int = 0


@dataclass(frozen=True)
class CounterConfig:
    service_fee_fen: int = 200
    commission_bp: int = 800
    min_payout_fen: int = 0
    markdown_after_days: int = 0  # 0 = no automatic markdown hint
    markdown_bp: int = 0
    near_expiry_days: int = 3
    reversal_approval_fen: int = 20000
    backups_kept: int = 14


@dataclass(frozen=True)
class SecurityConfig:
    pin_cost: int = 15  # scrypt N = 2**pin_cost (r=8, p=1); ≥ 100 ms per PIN on the counter PC
    pin_cost_r: int = 8


@dataclass(frozen=True)
class StationConfig:
    data_dir: Path
    config_dir: Path
    log_dir: Path
    ui: UiConfig = UiConfig()
    printer: PrinterConfig = PrinterConfig()
    parcels: ParcelConfig = ParcelConfig()
    counter: CounterConfig = CounterConfig()
    security: SecurityConfig = SecurityConfig()
    keys: Mapping[str, str] = field(default_factory=dict)
    config_path: Path | None = None  # STATION_CONFIG, else config.toml in the config directory

    @property
    def db_path(self) -> Path:
        return self.data_dir / "station.sqlite3"

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def export_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def config_file(self) -> Path:
        return self.config_path or self.config_dir / "config.toml"

    @property
    def locale(self) -> str:
        return self.ui.locale


SECTIONS: dict[str, type] = {
    "ui": UiConfig,
    "printer": PrinterConfig,
    "parcels": ParcelConfig,
    "counter": CounterConfig,
    "security": SecurityConfig,
}


def _section(cls: type, table: Any, source: Path, name: str) -> Any:
    if not isinstance(table, dict):
        raise ConfigError("validation.config_not_table", file=str(source), section=name)
    defaults = cls()
    values: dict[str, Any] = {}
    known = {f.name for f in dataclasses.fields(cls)}
    for key, value in table.items():
        if key not in known:
            raise ConfigError("validation.config_unknown_key", file=str(source), setting=f"{name}.{key}")
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(
                "validation.config_type", file=str(source), setting=f"{name}.{key}", kind=expected.__name__
            )
        if isinstance(value, list):
            value = list(value)
        values[key] = value
    return dataclasses.replace(defaults, **values)


def check_section(name: str, section: Any) -> None:
    """Range and choice checks of one section; InvalidInput names the setting (`printer.port`)."""
    for item in dataclasses.fields(section):
        setting, value = f"{name}.{item.name}", getattr(section, item.name)
        if setting in RANGES:
            low, high = RANGES[setting]
            if not low <= value <= high:
                raise InvalidInput("validation.setting_range", setting=setting, low=low, high=high, value=value)
        if setting in CHOICES and value not in CHOICES[setting]:
            raise InvalidInput(
                "validation.setting_choice", setting=setting, choices=", ".join(CHOICES[setting]), value=value
            )
    if name == "parcels":
        days = section.overdue_days
        ok = len(days) == 3 and all(isinstance(d, int) and not isinstance(d, bool) and d >= 1 for d in days)
        if not ok or not days[0] < days[1] < days[2]:
            raise InvalidInput("validation.setting_overdue_days", setting="parcels.overdue_days", value=days)


# What each printer connection cannot do without (the settings form says which field is empty).
PRINTER_NEEDS = {"network": "host", "file": "path", "serial": "device", "cups": "queue"}
_HOST = re.compile(r"[A-Za-z0-9.\-]+|\[?[0-9A-Fa-f:.]+\]?").fullmatch  # a host name, IPv4 or IPv6
PRINTER_TEXT_FIELDS = ("host", "port", "path", "device", "queue", "usb_vendor", "usb_product", "timeout")


def printer_from_form(current: PrinterConfig, kind: str, paper_mm: int, fields: Mapping[str, str]) -> PrinterConfig:
    """The printer section from the settings form's text: numbers parsed here (USB ids in hex),
    the field the connection needs filled in, then the same limits as a hand-edited config.toml.
    Raises InvalidInput naming the field; nothing is saved on a refusal."""
    values = {name: (fields.get(name) or "").strip() for name in PRINTER_TEXT_FIELDS}
    values["host"] = unicodedata.normalize("NFKC", values["host"])  # full-width digits and dots typed by IME
    if values["host"] and not _HOST(values["host"]):
        raise InvalidInput("printer.bad_host", field_key="printer.host", text=values["host"])

    def number(name: str, parse: Any, default: str) -> Any:
        try:
            return parse(values[name] or default)
        except ValueError:
            raise InvalidInput("printer.bad_number", field_key=f"printer.{name}", text=values[name]) from None

    needed = PRINTER_NEEDS.get(kind)
    if needed and not values[needed]:
        raise InvalidInput("printer.missing", field_key=f"printer.{needed}")
    # Hand-set widths (config.toml's `columns`, `dots`) belong to the paper they were set for:
    # another paper chosen in the form prints at its own widths, not at the old paper's.
    same_paper = paper_mm == current.paper_mm
    printer = dataclasses.replace(
        current,
        columns=current.columns if same_paper else 0,
        dots=current.dots if same_paper else 0,
        kind=kind,
        paper_mm=paper_mm,
        host=values["host"],
        port=number("port", int, "9100"),
        path=values["path"],
        device=values["device"],
        queue=values["queue"],
        usb_vendor=number("usb_vendor", lambda text: int(text, 16), "0"),
        usb_product=number("usb_product", lambda text: int(text, 16), "0"),
        timeout=number("timeout", float, "5"),
    )
    try:
        check_section("printer", printer)
    except InvalidInput as error:  # the form's field by its label, as typed (not `printer.port`)
        if error.key != "validation.setting_range":
            raise
        name = error.values["setting"].removeprefix("printer.")
        raise InvalidInput(
            "printer.out_of_range",
            field_key=f"printer.{name}",
            text=values.get(name, ""),
            low=_as_typed(name, error.values["low"]),
            high=_as_typed(name, error.values["high"]),
        ) from None
    return printer


def _as_typed(name: str, limit: float) -> str:
    """A limit as the form's field takes it: USB ids in hex, other numbers without a needless .0."""
    if name.startswith("usb_"):
        return f"{int(limit):04x}"
    return f"{limit:g}"


def _validate(config: StationConfig, source: Path) -> None:
    for name in SECTIONS:
        try:
            check_section(name, getattr(config, name))
        except InvalidInput as error:
            key = error.key.replace("validation.setting_", "validation.config_")
            raise ConfigError(key, file=str(source), **error.values) from None


def guess_locale(environ: Mapping[str, str], home: str | None = None) -> str:
    """The UI language for a message about a config file that could not be loaded."""
    try:
        path = Path(environ.get("STATION_CONFIG") or default_paths(environ, home)[1] / "config.toml")
        locale = tomllib.loads(path.read_text(encoding="utf-8")).get("ui", {}).get("locale")
    except (OSError, ValueError, AttributeError):
        return LOCALES[0]
    return locale if locale in LOCALES else LOCALES[0]


def default_paths(environ: Mapping[str, str], home: str | None = None) -> tuple[Path, Path, Path]:
    """(data, config, log) directories: all under STATION_HOME (or --home) when given."""
    chosen = home or environ.get("STATION_HOME")
    if chosen:
        root = Path(chosen).expanduser().resolve()
        return root, root, root / "logs"
    return (
        platformdirs.user_data_path(APP_NAME, appauthor=False),
        platformdirs.user_config_path(APP_NAME, appauthor=False),
        platformdirs.user_log_path(APP_NAME, appauthor=False),
    )


def load_config(environ: Mapping[str, str], *, home: str | None = None) -> StationConfig:
    data_dir, config_dir, log_dir = default_paths(environ, home)
    config = StationConfig(data_dir=data_dir, config_dir=config_dir, log_dir=log_dir)
    if environ.get("STATION_CONFIG"):  # read and written at the same path
        config = dataclasses.replace(config, config_path=Path(environ["STATION_CONFIG"]).expanduser())
    source = config.config_file
    if not source.exists():
        return config
    try:
        document = tomllib.loads(source.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError("validation.config_unreadable", file=str(source), detail=str(error)) from error
    except OSError as error:
        raise ConfigError("validation.config_unreadable", file=str(source), detail=error.strerror or "") from error
    changes: dict[str, Any] = {}
    for name, table in document.items():
        if name == "keys":
            if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
                raise ConfigError("validation.config_keys", file=str(source))
            changes["keys"] = dict(table)
        elif name in SECTIONS:
            changes[name] = _section(SECTIONS[name], table, source, name)
        else:
            raise ConfigError("validation.config_unknown_section", file=str(source), section=name)
    config = dataclasses.replace(config, **changes)
    _validate(config, source)
    return config


def ensure_dirs(config: StationConfig) -> None:
    from station.file_modes import make_private

    for directory in (config.data_dir, config.config_dir, config.log_dir, config.backup_dir):
        directory.mkdir(parents=True, exist_ok=True)
        make_private(directory)


def save_section(config: StationConfig, name: str, section: Any) -> StationConfig:
    """Write one section into the config file (STATION_CONFIG or config.toml), keeping the
    user's comments, order and other sections (tomlkit); checked first, written atomically."""
    import tomlkit

    check_section(name, section)
    source = config.config_file
    try:
        document = tomlkit.parse(source.read_text(encoding="utf-8")) if source.exists() else tomlkit.document()
    except (tomlkit.exceptions.ParseError, UnicodeDecodeError, OSError) as error:
        raise ConfigError("validation.config_unreadable", file=str(source), detail=str(error)) from error
    if name not in document:
        document.add(name, tomlkit.table())
    table = document[name]
    defaults = type(section)()
    for item in dataclasses.fields(section):
        value = getattr(section, item.name)
        if item.name in table or value != getattr(defaults, item.name):
            table[item.name] = value
    temporary = source.with_name(source.name + ".tmp")
    try:
        source.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(tomlkit.dumps(document))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, source)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ConfigError("validation.config_write", file=str(source), detail=error.strerror or "") from error
    return dataclasses.replace(config, **{name: section})
