import pytest

from station.config import ConfigError, load_config


def test_station_home_puts_everything_under_it(tmp_path):
    config = load_config({"STATION_HOME": str(tmp_path)})
    assert config.db_path == tmp_path / "station.sqlite3"
    assert config.config_file == tmp_path / "config.toml"
    assert config.locale == "zh_CN"


def test_home_argument_beats_the_environment(tmp_path):
    config = load_config({"STATION_HOME": str(tmp_path / "a")}, home=str(tmp_path / "b"))
    assert config.data_dir == tmp_path / "b"


def test_without_station_home_platformdirs_decide(monkeypatch):
    config = load_config({})
    assert config.data_dir.name == "station"


def test_reads_the_config_file(tmp_path):
    (tmp_path / "config.toml").write_text(
        '[ui]\nlocale = "en"\n[printer]\nkind = "network"\nhost = "127.0.0.1"\npaper_mm = 80\n'
        '[keys]\n"nav.parcels" = "f12"\n',
        encoding="utf-8",
    )
    config = load_config({"STATION_HOME": str(tmp_path)})
    assert config.locale == "en"
    assert config.printer.kind == "network" and config.printer.width_columns == 48
    assert config.printer.width_dots == 576
    assert config.keys == {"nav.parcels": "f12"}


@pytest.mark.parametrize(
    "text, needle",
    [
        ('[ui]\nlanguage = "en"\n', "ui.language"),
        ('[ui]\nlocale = "fr"\n', "ui.locale"),
        ('[printer]\npaper_mm = "58"\n', "printer.paper_mm"),
        ('[printers]\nkind = "usb"\n', "[printers]"),
        ("[ui\n", "config.toml"),
        ('[printer]\nkind = "bluetooth"\n', "printer.kind"),
    ],
)
def test_a_bad_config_names_the_file_and_key(tmp_path, text, needle):
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config({"STATION_HOME": str(tmp_path)})
    assert needle in str(caught.value)
    assert "config.toml" in str(caught.value)
