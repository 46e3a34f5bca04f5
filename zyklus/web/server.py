"""Serving the web app: the signing key, the checks at start, uvicorn.

One worker serves the app object built here. Several workers (``[web] workers``) each build
their own from the environment (``app_from_environment``, uvicorn's factory), which is why they
need PostgreSQL (SQLite has one writer per file) and ZYKLUS_SECRET_KEY (a session signed by one
worker must be valid on every other).
"""

from __future__ import annotations

import os
import secrets
from typing import TYPE_CHECKING

from engine.errors import ConfigError
from engine.i18n import Language, m

if TYPE_CHECKING:
    from fastapi import FastAPI

    from zyklus.app import Application
    from zyklus.config import Settings

SECRET_ENV = "ZYKLUS_SECRET_KEY"


def secret_key(workers: int, lang: Language) -> tuple[str, bool]:
    """The signing key and whether it was made up for this process (sessions end at a restart)."""
    value = os.environ.get(SECRET_ENV, "")
    if value:
        if len(value) < 32:
            raise ConfigError(m("web.secret_short", lang, env=SECRET_ENV))
        return value, False
    if workers > 1:
        raise ConfigError(m("web.secret_missing", lang, env=SECRET_ENV))
    return secrets.token_urlsafe(48), True


def check_start(settings: Settings, db_url: str, workers: int, lang: Language) -> None:
    if workers > 1 and db_url.startswith("sqlite"):
        raise ConfigError(m("web.workers_sqlite", lang))


def build(door: Application, settings: Settings, secret: str) -> FastAPI:
    from zyklus.web.app import create_app

    return create_app(door, settings, secret)


def app_from_environment() -> FastAPI:
    """A worker's app: configuration from ZYKLUS_CONFIG, the database from ZYKLUS_DB."""
    from engine.clock import SystemClock
    from zyklus.bootstrap import bootstrap
    from zyklus.config import load_settings

    settings = load_settings()
    door = bootstrap(settings, SystemClock(), lang=settings.language)
    return build(door, settings, secret_key(2, settings.language)[0])


def worker_environment(settings: Settings, db_url: str) -> dict[str, str]:
    """What a worker reads to build the same app as this process: the database and the config
    file chosen here (``--db``, ``--config``) reach it only through the environment."""
    env = {"ZYKLUS_DB": db_url}
    if settings.path is not None:
        env["ZYKLUS_CONFIG"] = str(settings.path.resolve())
    return env


def serve(door: Application, settings: Settings, *, db_url: str, host: str, port: int, workers: int,
          secret: str) -> None:
    import uvicorn

    common = dict(host=host, port=port, proxy_headers=True, forwarded_allow_ips="127.0.0.1",
                  server_header=False, log_level="info")
    if workers == 1:
        uvicorn.run(build(door, settings, secret), **common)  # type: ignore[arg-type]
    else:
        os.environ.update(worker_environment(settings, db_url))
        uvicorn.run("zyklus.web.server:app_from_environment", factory=True, workers=workers, **common)  # type: ignore[arg-type]
