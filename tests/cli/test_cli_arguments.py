"""Issue 17: no argument combination ends in a traceback — a table run through the console script."""

import os
import shutil
import subprocess

import pytest

from tests.cli.test_cli import LOGIN, main_in_process, station_command
from tests.conftest import write_test_config

PARTNER = ("--operator", "王秀英")
ENV = {**os.environ, "STATION_PIN": "123456"}  # the demo partner, as a script logs in


@pytest.fixture(scope="module")
def demo(tmp_path_factory, _demo_homes):
    root = tmp_path_factory.mktemp("cli-args")
    home = root / "home"
    shutil.copytree(_demo_homes(0), home)  # as `station --home home demo --villagers 0` leaves it
    good = root / "good"
    exported = main_in_process(
        ["--home", str(home), "export", "--period", "2026-11", "--out", str(good), *PARTNER],
        {"STATION_PIN": ENV["STATION_PIN"]},
    )
    assert exported.returncode == 0, exported.stderr
    (root / "a-file.txt").write_text("not a folder", encoding="utf-8")
    (root / "not-empty").mkdir()
    (root / "not-empty" / "keep.txt").write_text("mine", encoding="utf-8")
    for name, manifest in {
        "manifest-list": b"[1, 2]",
        "manifest-not-utf8": b"\xff\xfe\x00{}",
        "manifest-no-files": b'{"station": "x"}',
        "manifest-bad-entry": b'{"files": {"parcels.csv": 5}}',
        "manifest-escape": b'{"files": {"../../etc/passwd": {"sha256": "0", "rows": 0}}}',
        "manifest-deep": b"[" * 100_000 + b"]" * 100_000,
    }.items():
        (root / name).mkdir()
        (root / name / "manifest.json").write_bytes(manifest)
    shutil.copytree(good, root / "empty-csv")
    (root / "empty-csv" / "parcels.csv").write_bytes(b"")
    shutil.copytree(good, root / "csv-not-utf8")
    (root / "csv-not-utf8" / "shifts.csv").write_bytes(b"id,name\r\n\xff\xfe\x00\x01\r\n")
    return root


CASES = [
    # (arguments, exit code, text expected on stderr/stdout)
    (["report", "income", "--period", "9999-12-31"], 1, "9999-12-31"),
    (["report", "income", "--period", "2026-13"], 1, "2026-13"),
    (["report", "income", "--period", "2026-11-30..2026-11-01"], 1, "2026-11-30..2026-11-01"),
    (["report", "parcels", "--date", "9999-12-31"], 1, "9999-12-31"),
    (["report", "daily", "--date", "2026-02-30"], 1, "2026-02-30"),
    (["report", "carriers", "--period", "2026-11", "--format", "xlsx"], 1, "--out"),
    (["report", "carriers", "--period", "2026-11", "--format", "xlsx", "--out", "{root}"], 1, "--out"),
    (["report", "carriers", "--period", "2026-11", "--format", "xlsx", "--out", "{root}/nowhere/x.xlsx"], 1, "--out"),
    (["export", "--period", "2026-11"], 2, "--out"),
    (["export", "--period", "9999-12", "--out", "{root}/e1"], 1, "9999-12"),
    (["export", "--period", "2026-11", "--out", "{root}/a-file.txt"], 1, "a-file.txt"),
    (["export", "--period", "2026-11", "--out", "{root}/not-empty"], 1, "not-empty"),
    (["export", "--period", "2026-11", "--out", "/proc/station-out"], 1, "/proc/station-out"),
    (["--home", "{root}/a-file.txt", "where"], 1, "--home"),
    (["--home", "{root}/a-file.txt", "report", "income"], 1, "--home"),
    (["verify", "{root}/a-file.txt"], 1, "a-file.txt"),
    (["verify", "{root}/nowhere"], 1, "nowhere"),
    (["verify", "{root}/manifest-list"], 1, "manifest.json"),
    (["verify", "{root}/manifest-not-utf8"], 1, "manifest.json"),
    (["verify", "{root}/manifest-no-files"], 1, "manifest.json"),
    (["verify", "{root}/manifest-bad-entry"], 1, "manifest.json"),
    (["verify", "{root}/manifest-escape"], 1, "manifest.json"),  # no format, no signature: refused whole
    (["verify", "{root}/empty-csv"], 1, "parcels.csv"),
    (["verify", "{root}/csv-not-utf8"], 1, "shifts.csv"),
    (["verify", "{root}/good"], 0, "OK"),
    (["county", "load", "{root}/manifest-list", "--db", "{root}/county.db"], 1, "manifest-list"),
    (["county", "load", "{root}/empty-csv", "--db", "{root}/county.db"], 1, "empty-csv"),
    (["county", "load", "{root}/a-file.txt", "--db", "{root}/county.db"], 1, "a-file.txt"),
    (["county", "report", "--db", "{root}/a-file.txt"], 1, "station:"),
    (["verify", "{root}/manifest-deep"], 1, "manifest.json"),
    (["report", "carriers", "--period", "2026-11", "--format", "xlsx", "--out", "/dev/full"], 1, "station:"),
    (["county", "report", "--db", "{root}/county.db", "--period", "2026-13"], 1, "2026-13"),
    (["county", "report", "--db", "{root}/mistyped.db"], 1, "mistyped.db"),
    (["county", "check-receipt", "ZJ-0317/20261123-0001/5000/3f2a", "--db", "{root}/mistyped.db"], 1, "mistyped.db"),
    (["county", "load", "{root}/good", "--db", "postgresql://nobody@/county?host={root}/no-socket"], 1, "PostgreSQL"),
    (["restore", "{root}/nowhere.sqlite3"], 1, "nowhere.sqlite3"),
    (["restore", "{root}"], 1, "{root}"),
    (["demo", "--villagers", "x"], 2, "--villagers"),
    (["--home", "{root}/fresh-1", "demo", "--villagers", "-5"], 1, "-5"),
    (["--home", "{root}/fresh-2", "demo", "--villagers", "100000000"], 1, "5000"),
    (["--home", "{root}/fresh-3", "demo", "--code", "a/../b"], 1, "a/../b"),
    (["report", "utilities", "--format", "csv", "--out", "{root}/nowhere/u.csv"], 1, "nowhere"),
    (["report", "nonsense"], 2, "nonsense"),
]


# Through the console script itself: an exit code of each kind as the shell sees it (the rest of
# the table runs `station.cli.main` in the test process: the same code, without a process start).
THROUGH_THE_PROCESS = {"report nonsense", "export --period 9999-12 --out {root}/e1", "verify {root}/good"}


@pytest.mark.parametrize("arguments, code, expected", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_argument_table(demo, arguments, code, expected):
    process = " ".join(arguments) in THROUGH_THE_PROCESS
    arguments = [a.replace("{root}", str(demo)) for a in arguments]
    if "--home" not in arguments:
        arguments = ["--home", str(demo / "home"), *arguments]
    if arguments[2] in LOGIN:
        arguments = [*arguments, *PARTNER]
    if process:
        result = subprocess.run([station_command(), *arguments], capture_output=True, text=True, timeout=120, env=ENV)
    else:
        result = main_in_process(arguments, {"STATION_PIN": ENV["STATION_PIN"]})
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.returncode == code, output
    assert expected.replace("{root}", str(demo)) in output
    if code == 1 and arguments[2] not in ("verify", "county"):  # those two list every problem / folder
        assert "station:" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (demo / "not-empty" / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert not (demo / "e1").exists()
    assert not (demo / "mistyped.db").exists()


def test_an_unexpected_error_is_logged_with_its_traceback_and_said_in_one_sentence(tmp_path, monkeypatch, capsys):
    import logging

    from station import cli

    def broken(config, args):
        raise RuntimeError("boom in a place nobody foresaw")

    monkeypatch.setitem(cli.COMMANDS, "where", broken)
    try:
        assert cli.main(["--home", str(tmp_path), "where"]) == 1
    finally:
        for handler in list(logging.getLogger("station").handlers):
            handler.close()
            logging.getLogger("station").removeHandler(handler)
    stderr = capsys.readouterr().err
    assert len(stderr.strip().splitlines()) == 1 and "RuntimeError" in stderr and "station.log" in stderr
    assert "boom" not in stderr
    logged = (tmp_path / "logs" / "station.log").read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError: boom in a place nobody foresaw" in logged


def test_a_reader_that_stops_early_is_no_error_and_costs_no_file(tmp_path):
    """`station county report … --xlsx F | head -1`: the pipe closed before the table was
    printed ended in "unexpected error (BrokenPipeError)", and the workbook was never written."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from station.services.signing import StationKey

    home = tmp_path / "home"
    home.mkdir()
    write_test_config(home)
    env = {**os.environ, "STATION_HOME": str(home)}
    county, workbook = tmp_path / "county.db", tmp_path / "county.xlsx"
    key = StationKey(Ed25519PrivateKey.generate()).public_b64
    enrolled = main_in_process(["county", "enrol", "A01", key, "--db", str(county)], {"STATION_HOME": str(home)})
    assert enrolled.returncode == 0, enrolled.stderr
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has already gone
    try:
        done = subprocess.run(
            [station_command(), "county", "report", "--db", str(county), "--xlsx", str(workbook)],
            env=env, stdout=write_end, stderr=subprocess.PIPE, timeout=60,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert done.returncode == 141, done.stderr.decode()
    assert done.stderr == b""
    assert workbook.is_file()
