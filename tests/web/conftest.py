"""The door the web tests drive: Erfurt (a running cycle, the coordination of engine_support)
and Weimar (another municipality with its own coordination)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from engine_support import NOW, OTHER_AGS, setup_municipality, structure

from engine.clock import FixedClock
from zyklus.app import Application
from zyklus.bootstrap import bootstrap
from zyklus.config import load_settings


@pytest.fixture
def door(database_url: str) -> Iterator[Application]:
    app = bootstrap(load_settings(lang="de"), FixedClock(NOW), db_url=database_url, require_schema=False)
    app.service.init_db()
    setup_municipality(app.service)
    setup_municipality(app.service, OTHER_AGS, "Weimar", structure(domain="weimar.de"))
    yield app
    app.close()
