"""Issue 17: config values range-checked by name; settings written back keeping comments."""

import re
import tomllib
from pathlib import Path

import pytest

from station.config import ConfigError, PrinterConfig, load_config, save_section
from station.domain.errors import InvalidInput
from station.i18n.translator import Translator

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize(
    "text, setting",
    [
        ("[counter]\nbackups_kept = 0\n", "counter.backups_kept"),
        ("[counter]\nservice_fee_fen = -1\n", "counter.service_fee_fen"),
        ("[counter]\nmin_payout_fen = -100\n", "counter.min_payout_fen"),
        ("[counter]\nreversal_approval_fen = -1\n", "counter.reversal_approval_fen"),
        ("[counter]\ncommission_bp = 10001\n", "counter.commission_bp"),
        ("[counter]\nmarkdown_bp = -5\n", "counter.markdown_bp"),
        ("[parcels]\nholding_fee_per_day_fen = -1\n", "parcels.holding_fee_per_day_fen"),
        ("[parcels]\nshelves = 0\n", "parcels.shelves"),
        ("[printer]\nqr_module = 0\n", "printer.qr_module"),
        ("[printer]\nqr_module = 17\n", "printer.qr_module"),
        ("[printer]\nport = -5\n", "printer.port"),
        ("[printer]\nport = 65536\n", "printer.port"),
        ("[printer]\ntimeout = 0\n", "printer.timeout"),
        ("[printer]\ntimeout = 1e9\n", "printer.timeout"),
        ("[printer]\nqr_error = 'X'\n", "printer.qr_error"),
        ("[parcels]\noverdue_days = [7, 3, 15]\n", "parcels.overdue_days"),
        ("[parcels]\noverdue_days = [3, 3, 15]\n", "parcels.overdue_days"),
        ("[parcels]\noverdue_days = [0, 3, 15]\n", "parcels.overdue_days"),
        ("[parcels]\noverdue_days = [3, 7]\n", "parcels.overdue_days"),
        ("[parcels]\noverdue_days = ['3', '7', '15']\n", "parcels.overdue_days"),
        ("[parcels]\noverdue_days = [3.5, 7, 15]\n", "parcels.overdue_days"),
        ("[counter]\nbackups_kept = true\n", "counter.backups_kept"),
    ],
)
def test_out_of_range_values_are_refused_by_name(tmp_path, text, setting):
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config({"STATION_HOME": str(tmp_path)})
    assert setting in str(caught.value) and "config.toml" in str(caught.value)
    shown = Translator("zh_CN").error(caught.value)
    assert setting in shown and "config.toml" in shown


def test_station_config_is_read_and_written_at_the_same_path(tmp_path):
    elsewhere = tmp_path / "etc" / "my-station.toml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(
        '# 站点配置：小李改过\n[printer]\nkind = "file"  # the USB printer as a file\npath = "/dev/usb/lp0"\n'
        "\n[counter]\nbackups_kept = 30  # keep a month\n",
        encoding="utf-8",
    )
    config = load_config({"STATION_HOME": str(tmp_path / "home"), "STATION_CONFIG": str(elsewhere)})
    assert config.config_file == elsewhere and config.printer.kind == "file"
    saved = save_section(config, "printer", PrinterConfig(kind="network", host="192.168.1.50", port=9101))
    text = elsewhere.read_text(encoding="utf-8")
    assert "# 站点配置：小李改过" in text and "# keep a month" in text
    assert not (tmp_path / "home" / "config.toml").exists()
    again = load_config({"STATION_HOME": str(tmp_path / "home"), "STATION_CONFIG": str(elsewhere)})
    assert again.printer == saved.printer and again.printer.port == 9101
    assert again.counter.backups_kept == 30


def test_an_out_of_range_setting_is_not_written(tmp_path):
    config = load_config({"STATION_HOME": str(tmp_path)})
    with pytest.raises(InvalidInput) as caught:
        save_section(config, "printer", PrinterConfig(port=-5))
    assert caught.value.key == "validation.setting_range" and caught.value.values["setting"] == "printer.port"
    assert not config.config_file.exists()


def test_readme_configuration_example_is_valid_toml_the_app_accepts(tmp_path):
    section = README.read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```toml\n(.*?)```", section, flags=re.S)
    assert blocks
    merged: dict = {}
    for block in blocks:
        for name, table in tomllib.loads(block).items():
            merged.setdefault(name, {}).update(table)
    (tmp_path / "config.toml").write_text("\n".join(blocks), encoding="utf-8")
    config = load_config({"STATION_HOME": str(tmp_path)})
    assert config.printer.kind == merged["printer"]["kind"]
    assert config.counter.backups_kept == merged["counter"]["backups_kept"]
