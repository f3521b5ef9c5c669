from tests.ui.conftest import make, quick_idle_check, service_guard  # noqa: F401  (fixtures: the real app, guarded)
from tests.ui.demo_station import demo_db, demo_template  # noqa: F401  (fixtures: the demo station)
