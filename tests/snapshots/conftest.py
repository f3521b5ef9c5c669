from tests.ui.conftest import make  # noqa: F401  (fixtures: the real app on a test database)
from tests.ui.demo_station import demo_db, demo_template  # noqa: F401  (fixtures: the demo station)
