"""StationConfig: paths (platformdirs, or everything under STATION_HOME) and config.toml.

`load_config` is a pure function of the environment mapping and the files it names.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "station"
LOCALES = ("zh_CN", "en")
PRINTER_KINDS = ("none", "usb", "serial", "network", "file", "cups", "dummy")


class ConfigError(ValueError):
    """A bad config file: the message names the file and the key."""


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
        return self.config_dir / "config.toml"

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
        raise ConfigError(f"{source}: [{name}] must be a table")
    defaults = cls()
    values: dict[str, Any] = {}
    known = {f.name for f in dataclasses.fields(cls)}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{source}: unknown key '{name}.{key}'")
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{source}: '{name}.{key}' must be {expected.__name__}")
        values[key] = value
    return dataclasses.replace(defaults, **values)


def _validate(config: StationConfig, source: Path) -> None:
    if config.ui.locale not in LOCALES:
        raise ConfigError(f"{source}: 'ui.locale' must be one of {', '.join(LOCALES)}")
    if config.printer.kind not in PRINTER_KINDS:
        raise ConfigError(f"{source}: 'printer.kind' must be one of {', '.join(PRINTER_KINDS)}")
    if config.printer.qr_error not in ("L", "M", "Q", "H"):
        raise ConfigError(f"{source}: 'printer.qr_error' must be L, M, Q or H")
    if not 1 <= config.parcels.shelves <= 99 or not 1 <= config.parcels.layers <= 9:
        raise ConfigError(f"{source}: 'parcels.shelves' 1–99 and 'parcels.layers' 1–9")
    days = config.parcels.overdue_days
    if len(days) != 3 or sorted(days) != days or days[0] < 1:
        raise ConfigError(f"{source}: 'parcels.overdue_days' must be three increasing days")
    if not 10 <= config.security.pin_cost <= 20 or not 1 <= config.security.pin_cost_r <= 32:
        raise ConfigError(f"{source}: 'security.pin_cost' must be 10–20 and 'security.pin_cost_r' 1–32")
    if not 0 <= config.counter.commission_bp <= 10000:
        raise ConfigError(f"{source}: 'counter.commission_bp' must be 0–10000")


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
    source = Path(environ.get("STATION_CONFIG") or config.config_file)
    if not source.exists():
        return config
    try:
        document = tomllib.loads(source.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{source}: {error}") from error
    changes: dict[str, Any] = {}
    for name, table in document.items():
        if name == "keys":
            if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
                raise ConfigError(f"{source}: [keys] maps binding ids to key names")
            changes["keys"] = dict(table)
        elif name in SECTIONS:
            changes[name] = _section(SECTIONS[name], table, source, name)
        else:
            raise ConfigError(f"{source}: unknown section [{name}]")
    config = dataclasses.replace(config, **changes)
    _validate(config, source)
    return config


def ensure_dirs(config: StationConfig) -> None:
    from station.file_modes import make_private

    for directory in (config.data_dir, config.config_dir, config.log_dir, config.backup_dir):
        directory.mkdir(parents=True, exist_ok=True)
        make_private(directory)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def save_section(config: StationConfig, name: str, section: Any) -> StationConfig:
    """Write one section into config.toml, keeping the others; returns the new config."""
    source = config.config_file
    document: dict[str, Any] = {}
    if source.exists():
        document = tomllib.loads(source.read_text(encoding="utf-8"))
    defaults = type(section)()
    document[name] = {
        f.name: getattr(section, f.name)
        for f in dataclasses.fields(section)
        if getattr(section, f.name) != getattr(defaults, f.name)
    }
    lines = []
    for table, values in document.items():
        lines.append(f"[{table}]")
        lines += [f'"{k}" = {_toml_value(v)}' if "." in k else f"{k} = {_toml_value(v)}" for k, v in values.items()]
        lines.append("")
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text("\n".join(lines), encoding="utf-8")
    return dataclasses.replace(config, **{name: section})
