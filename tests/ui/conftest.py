import pytest

from station.app import make_app


@pytest.fixture
def make(config, clock):
    """Build the real app (real database file under STATION_HOME, fixed clock)."""

    def build(cfg=None):
        return make_app(cfg or config, clock=clock)

    return build


@pytest.fixture
def set_up(config, clock):
    """A station with partner 王秀英 (1234) and assistant 小李 (5678), set up through services."""
    from station.db.database import open_database
    from station.services.registry import build_services

    db = open_database(config.db_path)
    services = build_services(db, config, clock)
    partner = services.operators.set_up_station(
        station_name="青山村服务站", station_code="ZJ-0317", partner_name="王秀英", pin="123456"
    )
    services.operators.add_operator(partner, name="小李", role="assistant", pin="5678")
    return services
