"""Reading config.toml: every key known, every mistake one clear line, no secrets in the file.

Precedence: command-line options > environment (ZYKLUS_DB, ZYKLUS_LANG) > the config file
(ZYKLUS_CONFIG, else ./config.toml) > built-in defaults. Relative paths in the file are
relative to the file, so `zyklus` behaves the same from any working directory.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.errors import ConfigError
from engine.i18n import Language, t

SECRET_KEYS = {"password": "ZYKLUS_SMTP_PASSWORD", "smtp_password": "ZYKLUS_SMTP_PASSWORD"}

# section -> key -> (type, default)
SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], Any]]] = {
    "general": {
        "language": (str, "de"),
        "timezone": (str, "Europe/Berlin"),
        "default_workflow": (str, "gnk-thueringen"),
        "workflow_dirs": (list, []),
        "template_dir": (str, ""),
    },
    "database": {"url": (str, "sqlite:///zyklus.db")},
    "smtp": {
        "host": (str, ""),
        "port": (int, 587),
        "security": (str, "starttls"),
        "username": (str, ""),
        "sender": (str, "zyklus@localhost"),
        "timeout": ((int, float), 30),
        "send_timeout": ((int, float), 120),
        "concurrency": (int, 2),
        "validate_certs": (bool, True),
        "ca_file": (str, ""),
    },
    "mail": {
        "maildir": (str, "mail"),
        "message_id_domain": (str, "zyklus.local"),
        "max_attempts": (int, 8),
        "retry_base_seconds": (int, 300),
        "retry_max_seconds": (int, 86400),
        "batch_size": (int, 200),
    },
    "scheduler": {"interval_seconds": (int, 300), "send_hour": (int, 7)},
}


@dataclass(frozen=True)
class Settings:
    path: Path | None
    values: dict[str, dict[str, Any]] = field(default_factory=dict)

    def get(self, section: str, key: str) -> Any:
        return self.values[section][key]

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def resolve(self, value: str) -> Path:
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.base_dir / path

    @property
    def db_url(self) -> str:
        """ZYKLUS_DB (like --db) is taken as typed, relative to where the user is; the file's
        value is relative to the file."""
        return os.environ.get("ZYKLUS_DB") or self.normalise_db_url(self.get("database", "url"))

    def normalise_db_url(self, url: str) -> str:
        """A relative SQLite path is relative to the config file, not to wherever the user is."""
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
            return prefix + str(self.resolve(url[len(prefix):]))
        return url

    @property
    def language(self) -> Language:
        lang = os.environ.get("ZYKLUS_LANG") or self.get("general", "language")
        return "en" if lang == "en" else "de"

    @property
    def timezone(self) -> str:
        return self.get("general", "timezone")

    @property
    def workflow_dirs(self) -> list[Path]:
        return [self.resolve(p) for p in self.get("general", "workflow_dirs")]

    @property
    def template_dir(self) -> Path | None:
        value = self.get("general", "template_dir")
        return self.resolve(value) if value else None


def _check(path: str, section: str, key: str, value: Any, expected: type | tuple[type, ...], lang: Language) -> None:
    if isinstance(value, bool) and expected is not bool and expected != (bool,):
        raise ConfigError(t("config.bad_value", lang, path=path, key=f"{section}.{key}", problem="wrong type"))
    if not isinstance(value, expected):
        raise ConfigError(t("config.bad_value", lang, path=path, key=f"{section}.{key}", problem="wrong type"))


def load_settings(explicit: str | None = None, lang: Language = "de") -> Settings:
    """Load and validate the configuration; raise ConfigError with one line on any problem."""
    candidate = explicit or os.environ.get("ZYKLUS_CONFIG")
    path: Path | None
    if candidate:
        path = Path(candidate)
        if not path.is_file():
            raise ConfigError(t("config.missing_file", lang, path=candidate))
    else:
        path = Path("config.toml") if Path("config.toml").is_file() else None
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(t("config.malformed", lang, path=path, error=exc)) from None
        except UnicodeDecodeError as exc:
            raise ConfigError(t("config.malformed", lang, path=path, error=exc)) from None
    values: dict[str, dict[str, Any]] = {s: {k: d for k, (_, d) in keys.items()} for s, keys in SCHEMA.items()}
    shown = str(path)
    for section, content in raw.items():
        if section not in SCHEMA or not isinstance(content, dict):
            raise ConfigError(t("config.unknown_key", lang, path=shown, key=section))
        for key, value in content.items():
            if key in SECRET_KEYS:
                raise ConfigError(t("config.secret", lang, path=shown, key=f"{section}.{key}",
                                    env=SECRET_KEYS[key]))
            if key not in SCHEMA[section]:
                raise ConfigError(t("config.unknown_key", lang, path=shown, key=f"{section}.{key}"))
            _check(shown, section, key, value, SCHEMA[section][key][0], lang)
            values[section][key] = value
    settings = Settings(path.resolve() if path else None, values)
    _semantic_checks(settings, shown, lang)
    return settings


def _semantic_checks(settings: Settings, shown: str, lang: Language) -> None:
    def bad(key: str, problem: str) -> ConfigError:
        return ConfigError(t("config.bad_value", lang, path=shown, key=key, problem=problem))

    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise bad("general.timezone", f"unknown time zone {settings.timezone!r}") from None
    if settings.get("general", "language") not in ("de", "en"):
        raise bad("general.language", "use 'de' or 'en'")
    if settings.get("smtp", "security") not in ("starttls", "tls", "none"):
        raise bad("smtp.security", "use 'starttls', 'tls' or 'none'")
    if not 0 < settings.get("smtp", "port") < 65536:
        raise bad("smtp.port", "not a port number")
    for key in ("concurrency",):
        if settings.get("smtp", key) < 1:
            raise bad(f"smtp.{key}", "must be at least 1")
    for key in ("max_attempts", "retry_base_seconds", "batch_size"):
        if settings.get("mail", key) < 1:
            raise bad(f"mail.{key}", "must be at least 1")
    ca_file = settings.get("smtp", "ca_file")
    if ca_file and not settings.resolve(ca_file).is_file():
        raise bad("smtp.ca_file", f"file not found: {settings.resolve(ca_file)}")
    if settings.get("scheduler", "interval_seconds") < 1:
        raise bad("scheduler.interval_seconds", "must be at least 1")
    _check_sender(settings, shown, lang)


def _check_sender(settings: Settings, shown: str, lang: Language) -> None:
    """Over SMTP the sender is the envelope's MAIL FROM: exactly one address (engine.validate.sender).
    Without an SMTP host it only labels the maildir copies."""
    from engine import validate
    from engine.errors import InvalidInput

    if not settings.get("smtp", "host"):
        return
    try:
        validate.sender(settings.get("smtp", "sender"), lang)
    except InvalidInput as exc:
        raise ConfigError(t("config.bad_value", lang, path=shown, key="smtp.sender", problem=exc.message)) from None
