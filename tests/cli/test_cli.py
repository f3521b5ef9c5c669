"""The console script itself, as a person runs it."""

import contextlib
import io
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_test_config


def station_command() -> str:
    script = Path(sys.executable).parent / "station"
    found = str(script) if script.exists() else shutil.which("station")
    if not found:
        pytest.fail("the `station` console script is not installed (pip install -e .)")
    return found


LOGIN = ("backup", "restore", "export", "report", "print-test", "operator")


def run(*args, home: Path, check=True, operator="王秀英", pin="123456", process=False):
    """The command as a person runs it; commands that need a log-in get the demo partner
    (`--operator`, and the PIN through STATION_PIN as a script would). `process=True` starts
    the console script itself; otherwise `station.cli.main` runs in this process (a process
    start costs ~0.3 s), which is the same code from the parsed arguments to the exit code."""
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "config.toml").exists():
        write_test_config(home)  # the small test PIN cost (the real one takes ≥ 100 ms a PIN)
    login = ("--operator", operator) if args and args[0] in LOGIN and operator else ()
    argv = ["--home", str(home), *args, *login]
    if not process:
        result = main_in_process(argv, {"STATION_PIN": pin})
        if check and result.returncode != 0:
            raise subprocess.CalledProcessError(result.returncode, result.args, result.stdout, result.stderr)
        return result
    return subprocess.run(
        [station_command(), *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
        env=dict(os.environ, STATION_PIN=pin),
    )


def main_in_process(argv: list[str], env: dict[str, str | None]) -> subprocess.CompletedProcess:
    """`station *argv` with `env` added to the environment (None removes a name), run through
    `station.cli.main` here; its exit code, stdout and stderr as `subprocess.run` gives them.

    What a call changes in this process is given back afterwards: the environment, the umask
    (main sets 0077), the log handlers it adds for its home, the models' database proxies (main
    closes the station's database but leaves the proxy on it: a later command or test using the
    models unopened would reach that closed database, peewee opening it again, where a process
    of its own has none). An exception main lets through is raised here: the test fails on it."""
    from station import cli
    from station.db.county_models import county_db
    from station.db.models import database

    out, err = io.StringIO(), io.StringIO()
    saved_env = {name: os.environ.get(name) for name in env}
    proxies = [(proxy, proxy.obj) for proxy in (database, county_db)]
    logger = logging.getLogger("station")
    handlers, level = list(logger.handlers), logger.level
    umask = os.umask(0o077)
    os.umask(umask)
    try:
        _set_environ(env)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(argv)
            except SystemExit as exit_:  # argparse: --help, a bad argument
                code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    finally:
        _set_environ(saved_env)
        os.umask(umask)
        for proxy, obj in proxies:
            if proxy.obj is not obj and proxy.obj is not None and not proxy.obj.is_closed():
                proxy.obj.close()  # a county database left open (the station's main closes)
            proxy.initialize(obj)
        for handler in [h for h in logger.handlers if h not in handlers]:
            handler.close()
            logger.removeHandler(handler)
        logger.setLevel(level)
    return subprocess.CompletedProcess(["station", *argv], code, out.getvalue(), err.getvalue())


def _set_environ(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def test_a_command_run_in_process_leaves_no_database_behind(tmp_path, demo_home):
    """Run as a process, a command takes its database with it when it ends; run here, the
    models were left on the last command's (closed) database, which peewee opened again."""
    from station.db.county_models import county_db
    from station.db.models import Operator, database

    before = (database.obj, county_db.obj)
    demo_home(tmp_path, villagers=0)
    run("backup", home=tmp_path)
    run("county", "enrol", "A01", "x" * 44, "--db", str(tmp_path / "county.db"), home=tmp_path, check=False)
    assert (database.obj, county_db.obj) == before
    if before[0] is None:
        with pytest.raises(AttributeError):  # "Cannot use uninitialized Proxy", as in a fresh process
            Operator.select().count()


def test_help_lists_the_subcommands(tmp_path):
    out = run("--help", home=tmp_path, process=True).stdout
    for command in ("run", "demo", "where"):
        assert command in out


def test_demo_fills_a_fresh_database_and_refuses_a_second_time(tmp_path):
    out = run("demo", home=tmp_path).stdout
    assert "123456" in out
    db = sqlite3.connect(tmp_path / "station.sqlite3")
    assert db.execute("SELECT count(*) FROM villager").fetchone()[0] >= 60
    assert db.execute("SELECT name FROM villager WHERE initials = 'zs'").fetchone() == ("张三",)
    assert db.execute("SELECT count(*) FROM operator").fetchone()[0] == 3
    db.close()
    second = run("demo", home=tmp_path, check=False)
    assert second.returncode == 1 and "--home" in second.stderr


def test_a_bad_config_file_is_named(tmp_path):
    (tmp_path / "config.toml").write_text('[ui]\nlocale = "fr"\n', encoding="utf-8")
    result = run("where", home=tmp_path, check=False, process=True)
    assert result.returncode == 2 and "ui.locale" in result.stderr


def test_print_test_to_a_file_printer(tmp_path, demo_home):
    from tests.printing.decode import decode

    demo_home(tmp_path, villagers=0)
    target = tmp_path / "lp0"
    (tmp_path / "config.toml").write_text(
        f'[printer]\nkind = "file"\npath = "{target}"\npaper_mm = 80\n', encoding="utf-8"
    )
    out = run("print-test", home=tmp_path).stdout
    assert "已打印" in out
    printed = decode(target.read_bytes())
    assert "本机每行 48 列（汉字占 2 列）" in printed.lines
    assert "123456789012345678901234567890123456789012345678" in printed.lines
    assert printed.qr_payloads()[0].startswith("ZJ-AJ-0317/")


def test_print_test_without_a_printer_fails_clearly(tmp_path, demo_home):
    demo_home(tmp_path, villagers=0)
    result = run("print-test", home=tmp_path, check=False)
    assert result.returncode == 1 and "没有配置打印机" in result.stderr


def test_backup_restore_and_daily_report(tmp_path, demo_home):
    demo_home(tmp_path, villagers=0)
    out = run("backup", home=tmp_path).stdout
    backups = list((tmp_path / "backups").glob("station-*.sqlite3"))
    assert len(backups) == 1 and str(backups[0]) in out
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"garbage" * 1000)
    refused = run("restore", str(bad), "--operator", "王秀英", home=tmp_path, check=False, pin="123456")
    assert refused.returncode == 1 and "不是 SQLite 数据库" in refused.stderr
    wrong = run("restore", str(backups[0]), "--operator", "王秀英", home=tmp_path, check=False, pin="0000")
    assert wrong.returncode == 1 and "PIN" in wrong.stderr
    restored = run("restore", str(backups[0]), "--operator", "王秀英", home=tmp_path, pin="123456").stdout
    assert "before-restore" in restored and "0 笔记账" in restored
    daily = run("report", "daily", "--date", "2026-01-01", "--format", "csv", home=tmp_path).stdout
    assert daily.splitlines()[0] == "日期,2026-01-01"


def test_export_then_verify_a_copy(tmp_path, demo_home):
    import shutil

    demo_home(tmp_path / "home", villagers=5)
    out = tmp_path / "export"
    assert "SHA-256" in run("export", "--period", "2026-11", "--out", str(out), home=tmp_path / "home").stdout
    copy = tmp_path / "received"
    shutil.copytree(out, copy)
    assert "OK" in run("verify", str(copy), home=tmp_path / "home").stdout
    (copy / "purchases.csv").write_bytes((copy / "purchases.csv").read_bytes().replace(b"pdd", b"jd_"))
    failed = run("verify", str(copy), home=tmp_path / "home", check=False)
    assert failed.returncode == 1 and "purchases.csv" in failed.stdout


def test_three_demo_stations_enrolled_loaded_twice_and_reported(tmp_path, demo_home):
    import re

    from openpyxl import load_workbook

    db = tmp_path / "county.db"
    dirs = []
    for code in ("ZJ-AJ-0317", "ZJ-A2", "ZJ-A3"):
        home = tmp_path / code
        if code == "ZJ-AJ-0317":  # the plain demo station, built once per run (a demo costs seconds)
            demo_home(home, villagers=5)
        else:
            run("demo", "--villagers", "5", "--code", code, "--name", f"站{code}", home=home)
        key = re.search(r"[A-Za-z0-9+/]{43}=", run("key", home=home).stdout).group(0)
        enrolled = run("county", "enrol", code, key, "--db", str(db), home=tmp_path).stdout
        assert code in enrolled
        dirs.append(str(tmp_path / f"export-{code}"))
        run("export", "--period", "2026-10", "--out", dirs[-1], home=home)
        assert "OK" in run("verify", dirs[-1], "--key", key, home=tmp_path).stdout
    loaded = run("county", "load", *dirs, "--db", str(db), home=tmp_path).stdout
    assert all(code in loaded for code in ("ZJ-AJ-0317", "ZJ-A2", "ZJ-A3")) and "拒绝 0 个" in loaded
    again = run("county", "load", dirs[0], "--db", str(db), home=tmp_path).stdout
    assert "没有变化" in again  # the same export again: nothing doubles
    report = run(
        "county", "report", "--db", str(db), "--period", "2026-10", "--xlsx", str(tmp_path / "r.xlsx"), home=tmp_path
    ).stdout
    assert "站ZJ-A2" in report and "超过水电封顶的服务站" in report
    sheet = load_workbook(tmp_path / "r.xlsx")["county"]
    assert sheet.max_row == 5  # header, three stations, totals
