"""Text a spreadsheet would run as a formula, however it is dressed, leaves the station with its
leading ' in the CSV and reaches the county as it was typed (verify, then load)."""

from station.db.database import open_database
from station.domain.clock import FixedClock
from station.domain.orders import ItemLine
from station.services.county import connect_county, enrol
from station.services.county_batch import load_many
from station.services.export_verify import verify
from station.services.exports import read_csv
from station.services.ledger import Line
from station.services.registry import build_services
from station.services.signing import load_key
from tests.conftest import config_for
from tests.services.test_county import NOW, county_rows

# Text typed at the counter is stored NFC and trimmed (domain/text.py); a ledger memo is kept
# as its caller wrote it (as a label pasted with a vertical tab is, tests/services/test_exports.py).
DRESSED = ["=\u0338cmd|' /C calc'!A0", " " * 9 + "=1+1", "\u3000" * 9 + "@SUM(1)", "\u2003" * 10 + "+1"]


def test_a_dressed_formula_is_quoted_in_the_csv_and_loaded_as_typed(tmp_path):
    config = config_for(tmp_path / "A01")
    db = open_database(config.db_path)
    services = build_services(db, config, FixedClock(NOW))
    partner = services.operators.set_up_station(station_name="站", station_code="A01", partner_name="王", pin="123456")
    villager = services.villagers.add(partner, name="张三", phone="13812345678")
    services.purchases.create(partner, villager_id=villager.id, platform="jd", items=[ItemLine("米", 1, 1000)])
    for n, text in enumerate(DRESSED):
        lines = [Line("cash", 100, "cash", text), Line("income:other", -100)]
        services.ledger.post("counter.adjust", f"memo:{n}", lines, operator_id=partner.id)
    out = tmp_path / "export"
    services.exports.export(partner, "2026-11", out)
    db.close()
    assert verify(out) == []
    cells = {cell for path in out.glob("*.csv") for row in read_csv(path) for cell in row}
    for text in DRESSED:
        assert "'" + text in cells and text not in cells, repr(text)
    url = str(tmp_path / "county.db")
    county = connect_county(url)
    enrol(county, "A01", load_key(config.data_dir).public_b64, NOW)
    county.close()
    assert [o.status for o in load_many(url, [out], NOW)] == ["loaded"]
    loaded = "\n".join(row for rows in county_rows(url).values() for row in rows)
    for text in DRESSED:
        assert repr(text) in loaded and repr("'" + text) not in loaded, repr(text)
