"""`station check`, `station backup` and `station restore` as a person (or a script) runs them."""

import json
import sqlite3
import subprocess
import sys
import textwrap

from tests.cli.test_cli import run

HOLD_LIKE_THE_APP = textwrap.dedent("""
    import sys, time
    from station.cli_backup import holding_station_lock
    from station.config import load_config

    with holding_station_lock(load_config({"STATION_HOME": sys.argv[1]}), "station run"):
        print("running", flush=True)
        time.sleep(120)
""")


def test_check_says_ok_then_names_the_edited_row_and_exits_1(tmp_path, demo_home):
    demo_home(tmp_path, villagers=0)
    run("backup", home=tmp_path)
    ok = run("check", home=tmp_path)
    assert ok.stdout.startswith("正常：") and ok.returncode == 0
    raw = sqlite3.connect(tmp_path / "station.sqlite3")
    raw.executescript("DROP TRIGGER ledger_entry_no_update; UPDATE ledger_entry SET amount_fen = 1 WHERE id = 7;")
    raw.close()
    broken = run("check", home=tmp_path, check=False)
    assert broken.returncode == 1
    assert broken.stdout.splitlines()[0].startswith("ledger_entry 7：哈希链在此断开")
    as_json = json.loads(run("check", "--json", home=tmp_path, check=False).stdout)
    assert as_json["ok"] is False
    assert as_json["problems"][0]["key"] == "check.chain_broken" and as_json["problems"][0]["values"]["id"] == 7


def test_check_names_the_files_others_can_read(tmp_path, demo_home):
    demo_home(tmp_path, villagers=0)
    backup = tmp_path / run("backup", home=tmp_path).stdout.split("已备份到 ")[1].split("（")[0]
    key = tmp_path / "station-signing.key"
    key.chmod(0o644)  # copied off a USB stick, or a careless chmod
    backup.chmod(0o644)
    loose = run("check", home=tmp_path, check=False)
    assert loose.returncode == 1
    assert sorted(loose.stdout.splitlines()) == sorted(
        [
            f"{backup}：其他用户也能读取（权限 644）；请对它执行 chmod go-rwx",
            f"{key}：其他用户也能读取（权限 644）；请对它执行 chmod go-rwx",
        ]
    )
    as_json = json.loads(run("check", "--json", home=tmp_path, check=False).stdout)
    assert as_json["ok"] is False and {p["key"] for p in as_json["problems"]} == {"check.loose_file"}
    key.chmod(0o600)
    backup.chmod(0o600)
    config = tmp_path / "config.toml"
    config.chmod(0o644)  # no secret in it: readable is fine
    assert run("check", home=tmp_path).returncode == 0
    config.chmod(0o666)  # but anyone could raise the fees or lower the PIN cost
    assert run("check", home=tmp_path, check=False).stdout.startswith(f"{config}：")


def test_restore_is_refused_while_the_app_runs_before_any_pin_is_asked(tmp_path, demo_home):
    demo_home(tmp_path, villagers=0)
    backup = run("backup", home=tmp_path).stdout.split("已备份到 ")[1].split("（")[0]
    script = tmp_path / "app.py"
    script.write_text(HOLD_LIKE_THE_APP)
    app = subprocess.Popen([sys.executable, str(script), str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert app.stdout.readline().strip() == "running"
        refused = run("restore", backup, "--operator", "王秀英", home=tmp_path, check=False)  # no PIN given
        assert refused.returncode == 1
        assert f"进程 {app.pid}，station run" in refused.stderr
    finally:
        app.kill()
        app.communicate(timeout=30)
    missing = run("restore", backup, home=tmp_path, check=False, operator=None)
    assert missing.returncode == 2 and "--operator" in missing.stderr
