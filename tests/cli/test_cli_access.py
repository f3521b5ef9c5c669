"""Issue #20: every CLI command that reads personal data or changes records logs an operator
in, checks the role against the permission table and leaves an audit row, refused or not."""

from __future__ import annotations

import gc
import json
import os
import stat

import pytest

from station.cli import main
from station.cli_auth import close_database
from station.db.models import AuditEvent, Operator
from tests.conftest import write_test_config

PINS = {"partner": "123456", "assistant": "5678", "auditor": "9999"}
NAMES = {"partner": "王秀英", "assistant": "小李", "auditor": "审计员"}


@pytest.fixture
def station(station_home, services, partner, assistant, auditor):
    """The three roles, and a config.toml with the small test PIN cost for `main`."""
    write_test_config(station_home)
    (station_home / "config.toml").write_text(
        (station_home / "config.toml").read_text(encoding="utf-8") + '[printer]\nkind = "dummy"\n', encoding="utf-8"
    )
    old = os.umask(0o022)  # main() sets 0077 for the process: give it back afterwards
    yield station_home
    os.umask(old)


def run(home, *args, role=None, pin=None, monkeypatch, new_pin=None):
    if role is not None:
        args = (*args, "--operator", NAMES[role])
        monkeypatch.setenv("STATION_PIN", pin if pin is not None else PINS[role])
    else:
        monkeypatch.delenv("STATION_PIN", raising=False)
    if new_pin is not None:
        monkeypatch.setenv("STATION_NEW_PIN", new_pin)
    return main(["--home", str(home), *args])


def last_cli_row():
    return AuditEvent.select().where(AuditEvent.kind.startswith("cli.")).order_by(AuditEvent.id.desc()).first()


def commands(tmp_path, home):
    """(argv, roles allowed) for each command that needs a log-in."""
    backup = home / "backups"
    return [
        (("report", "pending"), {"partner", "assistant", "auditor"}),
        (("report", "utilities", "--year", "2026"), {"partner", "assistant", "auditor"}),
        (("export", "--period", "2026-11", "--out", str(tmp_path / "out-{role}")), {"partner", "assistant", "auditor"}),
        (
            ("export", "--period", "2026-11", "--out", str(tmp_path / "raw-{role}"), "--unmasked"),
            {"partner", "auditor"},
        ),
        (("backup",), {"partner"}),
        (("operator", "list"), {"partner"}),
        (("operator", "add", "新人{role}", "--role", "assistant"), {"partner"}),
        (("print-test",), {"partner", "assistant"}),
        (("restore", str(backup / "{backup}")), {"partner"}),  # last: it replaces the database
    ]


@pytest.mark.parametrize("role", ["partner", "assistant", "auditor"])
def test_each_command_for_each_role_is_allowed_or_refused_and_audited(
    station, tmp_path, role, monkeypatch, capsys, services, partner
):
    backup = services.day_close.backup(partner)
    for argv, allowed_roles in commands(tmp_path, station):
        argv = tuple(a.format(role=role, backup=backup.path.name) for a in argv)
        if argv[0] == "restore" and role in allowed_roles:
            services.db.close()  # as in real use, nothing else has the file open while it is replaced
            close_database()  # the connection this test's audit queries used
            gc.collect()
        code = run(station, *argv, role=role, monkeypatch=monkeypatch, new_pin="4321")
        out = capsys.readouterr()
        row = last_cli_row()
        command = argv[0] if argv[0] not in ("operator",) else f"{argv[0]} {argv[1]}"
        assert row is not None and row.ref == command, argv
        assert row.operator_id == Operator.get(Operator.name == NAMES[role]).id
        assert json.loads(row.detail)["args"]["operator"] == NAMES[role]
        if role in allowed_roles:
            assert code == 0, (argv, out.err)
            assert row.kind == "cli.command"
        else:
            assert code == 1, argv
            assert row.kind == "cli.refused", argv
            assert "无权" in out.err, (argv, out.err)  # says who may not do what, in the UI language


def test_without_an_operator_or_with_a_wrong_pin_nothing_runs(station, tmp_path, monkeypatch, capsys):
    assert run(station, "backup", monkeypatch=monkeypatch) == 1
    assert "--operator" in capsys.readouterr().err
    assert last_cli_row().kind == "cli.refused"
    assert run(station, "backup", role="partner", pin="000000", monkeypatch=monkeypatch) == 1
    assert "PIN" in capsys.readouterr().err
    assert AuditEvent.select().where(AuditEvent.kind == "login.failed").count() == 1
    assert run(station, "backup", role="partner", pin="000000", monkeypatch=monkeypatch) == 1
    assert run(station, "backup", role="partner", pin="000000", monkeypatch=monkeypatch) == 1  # now locked
    assert run(station, "backup", role="partner", monkeypatch=monkeypatch) == 1  # the right PIN, still locked
    assert "锁定" in capsys.readouterr().err
    assert not list((station / "backups").glob("station-*.sqlite3"))


def test_a_script_without_station_pin_and_no_terminal_is_told_how(station, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", open(os.devnull))
    assert run(station, "backup", "--operator", "王秀英", monkeypatch=monkeypatch) == 1
    assert "STATION_PIN" in capsys.readouterr().err


def test_report_names_are_masked_for_an_assistant(station, services, partner, monkeypatch, capsys):
    villager = services.villagers.add(partner, name="张三丰", phone="13812345678")
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    checked = services.parcels.check_in(partner, "SF1234567890123", batch_id=batch.id)
    services.parcels.set_recipient(partner, checked.parcel.id, villager_id=villager.id)
    assert run(station, "report", "pending", "--format", "csv", role="assistant", monkeypatch=monkeypatch) == 0
    assert "张三丰" not in capsys.readouterr().out
    assert run(station, "report", "pending", "--format", "csv", role="auditor", monkeypatch=monkeypatch) == 0
    assert "张三丰" in capsys.readouterr().out


def test_demo_only_on_an_empty_database(station, monkeypatch, capsys):
    assert run(station, "demo", "--villagers", "0", monkeypatch=monkeypatch) == 1
    assert "--home" in capsys.readouterr().err


def test_open_commands_need_no_log_in(station, monkeypatch, capsys):
    assert run(station, "where", monkeypatch=monkeypatch) == 0


def test_files_are_private(station, tmp_path, monkeypatch, capsys):
    assert run(station, "backup", role="partner", monkeypatch=monkeypatch) == 0
    out = tmp_path / "export"
    assert (
        run(station, "export", "--period", "2026-11", "--out", str(out), role="auditor", monkeypatch=monkeypatch) == 0
    )
    for path in [station / "station.sqlite3", *(station / "backups").iterdir(), out, *out.iterdir()]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, (path, oct(mode))


def test_report_files_neutralise_formula_looking_names(station, services, partner, tmp_path, monkeypatch, capsys):
    from openpyxl import load_workbook

    villager = services.villagers.add(partner, name="=HYPERLINK(1)", phone="13812345678")
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    checked = services.parcels.check_in(partner, "SF1234567890123", batch_id=batch.id)
    services.parcels.set_recipient(partner, checked.parcel.id, villager_id=villager.id)
    out = tmp_path / "pending.xlsx"
    argv = ("report", "pending", "--format", "xlsx", "--out", str(out))
    assert run(station, *argv, role="auditor", monkeypatch=monkeypatch) == 0
    cell = load_workbook(out)["report"]["A2"]
    assert (cell.value, cell.data_type) == ("'=HYPERLINK(1)", "s")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    capsys.readouterr()
    assert run(station, "report", "pending", "--format", "csv", role="partner", monkeypatch=monkeypatch) == 0
    assert "'=HYPERLINK(1)" in capsys.readouterr().out


def test_a_partner_with_an_old_four_digit_pin_must_change_it_on_the_command_line(
    station, services, partner, monkeypatch, capsys
):
    from station.domain.pins import PinCost, hash_pin

    Operator.update(pin_hash=hash_pin("1234", PinCost(n_log2=4, r=1))).where(Operator.id == partner.id).execute()
    assert run(station, "backup", role="partner", pin="1234", monkeypatch=monkeypatch) == 1
    assert "change-pin" in capsys.readouterr().err
    assert last_cli_row().kind == "cli.refused"
    assert (
        run(station, "operator", "change-pin", role="partner", pin="1234", new_pin="1357", monkeypatch=monkeypatch) == 1
    )
    assert "6" in capsys.readouterr().err  # still too short: nothing changed
    code = run(station, "operator", "change-pin", role="partner", pin="1234", new_pin="135790", monkeypatch=monkeypatch)
    assert code == 0
    assert run(station, "backup", role="partner", pin="135790", monkeypatch=monkeypatch) == 0


@pytest.mark.parametrize("action", ["reset-pin", "unlock", "deactivate"])
def test_only_a_partner_manages_operators_on_the_command_line(station, monkeypatch, capsys, action):
    for role in ("assistant", "auditor"):
        assert run(station, "operator", action, "小李", role=role, new_pin="8642", monkeypatch=monkeypatch) == 1
        assert last_cli_row().kind == "cli.refused"
    assert run(station, "operator", action, "小李", role="partner", new_pin="8642", monkeypatch=monkeypatch) == 0
    row = Operator.get(Operator.name == "小李")
    kind = {"reset-pin": "operator.pin_reset", "unlock": "operator.unlocked", "deactivate": "operator.deactivated"}
    assert AuditEvent.select().where(AuditEvent.kind == kind[action], AuditEvent.ref == f"operator:{row.id}").exists()
    assert row.active == (action != "deactivate")
