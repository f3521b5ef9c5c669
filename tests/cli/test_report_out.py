"""`station report … --out FILE` writes the report in every format (it was ignored for table
and csv): the file holds what stdout would have, a CSV carries the BOM Excel needs to read
Chinese, and a bad path is refused with nothing written."""

from __future__ import annotations

import os

import pytest
from openpyxl import load_workbook

from station.cli import main


@pytest.fixture
def home(tmp_path, demo_home, monkeypatch):
    monkeypatch.setenv("STATION_PIN", "123456")
    old = os.umask(0o022)  # main() sets 0077 for the process: give it back afterwards
    yield demo_home(tmp_path / "home", villagers=0)
    os.umask(old)


def report(home, *args):
    return main(["--home", str(home), "report", *args, "--operator", "王秀英"])


@pytest.mark.parametrize("name", ["utilities", "income", "daily", "parcels"])
def test_csv_and_table_go_to_the_file_not_the_screen(home, tmp_path, capsys, name):
    assert report(home, name, "--format", "csv") == 0
    on_screen = capsys.readouterr().out
    out = tmp_path / f"{name}.csv"
    assert report(home, name, "--format", "csv", "--out", str(out)) == 0
    said = capsys.readouterr().out
    assert str(out) in said and on_screen not in said
    assert out.read_bytes().startswith("\ufeff".encode()) and out.read_text(encoding="utf-8-sig") == on_screen
    assert oct(out.stat().st_mode & 0o777) == "0o600"

    assert report(home, name, "--out", str(tmp_path / f"{name}.txt")) == 0
    assert "\n" in (tmp_path / f"{name}.txt").read_text(encoding="utf-8")


def test_xlsx_works_for_every_report_not_only_the_trends(home, tmp_path, capsys):
    for name in ("utilities", "daily", "parcels"):
        out = tmp_path / f"{name}.xlsx"
        assert report(home, name, "--format", "xlsx", "--out", str(out)) == 0
        assert load_workbook(out).active.max_row >= 2
    assert report(home, "daily", "--format", "xlsx") == 1
    assert "--out" in capsys.readouterr().err


def test_a_folder_that_does_not_exist_is_refused_and_nothing_is_left(home, tmp_path, capsys):
    missing = tmp_path / "nowhere" / "u.csv"
    assert report(home, "utilities", "--format", "csv", "--out", str(missing)) == 1
    assert "nowhere" in capsys.readouterr().err and not missing.parent.exists()
    assert report(home, "utilities", "--format", "csv", "--out", str(tmp_path)) == 1
    assert not list(tmp_path.glob(".*.partial"))
