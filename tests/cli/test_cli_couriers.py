"""`station report courier-account` as a person runs it: table, CSV and XLSX of one month."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from tests.cli.test_cli import run

SAMPLE = Path(str(resources.files("station.assets").joinpath("sample_rate_cards.toml")))


def test_the_courier_account_of_a_month(services, partner, station_home, tmp_path):
    services.rate_cards.import_file(partner, SAMPLE)
    batch = services.parcels.start_batch(partner, shelf=1, layer=1, carrier="ZTO")
    for n in range(4):
        parcel = services.parcels.check_in(partner, f"7512345678{n:04d}", batch_id=batch.id).parcel
        services.pickup.hand_over(partner, [parcel.id], method="override", override_reason="cli test")
    services.couriers.record_payment(partner, "ZTO", 150, direction="in", method="wechat")
    services.db.close()

    csv_out = run(
        "report", "courier-account", "--courier", "zto", "--period", "2026-11", "--format", "csv", home=station_home
    ).stdout
    lines = csv_out.splitlines()
    assert lines[0] == "日期,项目,明细,金额"
    assert "2026-11-23,派费,4 件 × ¥0.50,2.00" in lines
    assert ",期末余额,,0.50" in lines  # ¥2.00 earned, ¥1.50 paid by ZTO
    assert ",快递公司付给本站,,1.50" in lines
    table = run("report", "courier-account", "--courier", "ZTO", "--period", "2026-11", home=station_home).stdout
    assert "期初余额" in table and "0.50" in table
    xlsx = tmp_path / "zto.xlsx"
    run(
        "report",
        "courier-account",
        "--courier",
        "ZTO",
        "--period",
        "2026-11",
        "--format",
        "xlsx",
        "--out",
        str(xlsx),
        home=station_home,
    )
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    assert [c.value for c in sheet[1]] == ["日期", "项目", "明细", "金额"]
    assert any(row[3].value == 2 for row in sheet.iter_rows(min_row=2))
    refused = run("report", "courier-account", "--period", "2026-11", home=station_home, check=False)
    assert refused.returncode != 0 and "--courier" in refused.stderr
