"""Reading config.toml: every key known, every mistake one clear line, no secrets in the file.

Precedence: command-line options > environment (ZYKLUS_DB, ZYKLUS_LANG) > the config file
(ZYKLUS_CONFIG, else ./config.toml) > built-in defaults. Relative paths in the file are
relative to the file, so `zyklus` behaves the same from any working directory.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.errors import ConfigError
from engine.i18n import Language, m, os_reason, t

SECRET_KEYS = {"password": "ZYKLUS_SMTP_PASSWORD", "smtp_password": "ZYKLUS_SMTP_PASSWORD",
               "secret_key": "ZYKLUS_SECRET_KEY", "session_secret": "ZYKLUS_SECRET_KEY"}

# section -> key -> (type, default)
SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], Any]]] = {
    "general": {
        "language": (str, "de"),
        "timezone": (str, "Europe/Berlin"),
        "default_workflow": (str, "gnk-thueringen"),
        "workflow_dirs": (list, []),
        "template_dir": (str, ""),
    },
    "database": {
        "url": (str, "sqlite:///zyklus.db"),
        "busy_timeout_seconds": ((int, float), 5),
    },
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
        "retention_days": (int, 365),
    },
    "scheduler": {"interval_seconds": (int, 300), "send_hour": (int, 7)},
    "oparl": {
        "interval_minutes": (int, 0),
        "timeout_seconds": ((int, float), 10),
        "retries": (int, 3),
        "retry_base_seconds": ((int, float), 1),
        "max_response_bytes": (int, 20_000_000),
        "max_redirects": (int, 5),
    },
    "web": {
        "host": (str, "127.0.0.1"),
        "port": (int, 8080),
        "workers": (int, 1),
        "public_url": (str, ""),
        "session_hours": (int, 12),
        "link_hours": (int, 48),
        "login_attempts": (int, 5),
        "client_attempts": (int, 50),
        "lockout_minutes": (int, 15),
        "contact": (str, ""),
    },
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
    def busy_timeout(self) -> float:
        return float(self.get("database", "busy_timeout_seconds"))

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
    def public_url(self) -> str | None:
        """Where the web app is reached from outside (mails link into it), without a trailing
        slash; None when not set, and mails then carry no links."""
        return self.get("web", "public_url").rstrip("/") or None

    @property
    def template_dir(self) -> Path | None:
        value = self.get("general", "template_dir")
        return self.resolve(value) if value else None


Check = Callable[[Any], "str | tuple[str, dict[str, Any]] | None"]
"""A range or format rule: returns None when the value is fine, else a message key (with values)."""


def _between(low: float, high: float) -> Check:
    return lambda v: None if low <= v <= high else ("config.problem.range", {"low": low, "high": high})


def _positive(high: float) -> Check:
    return lambda v: None if 0 < v <= high else ("config.problem.positive", {"high": high})


def _one_of(*allowed: str) -> Check:
    return lambda v: None if v in allowed else ("config.problem.choice", {"allowed": ", ".join(allowed)})


def _timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return "config.problem.timezone"
    return None


def _pattern(regex: str) -> Check:
    compiled = re.compile(regex)
    return lambda v: None if compiled.fullmatch(v) else "config.problem.format"


def _database_url(value: str) -> str | None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(value)
    except (ArgumentError, ValueError):
        return "config.problem.url"
    return None


# Ranges and formats beyond the type. Bounds are generous but finite: a retry delay of 10**30
# seconds or a timeout of inf would be accepted by TOML and only crash at the first sweep.
RULES: dict[tuple[str, str], Check] = {
    ("general", "language"): _one_of("de", "en"),
    ("general", "timezone"): _timezone,
    ("general", "default_workflow"): _pattern(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}"),
    ("database", "url"): _database_url,
    ("database", "busy_timeout_seconds"): _positive(3600),
    ("smtp", "host"): _pattern(r"[^\s/@]{0,253}"),
    ("smtp", "port"): _between(1, 65535),
    ("smtp", "security"): _one_of("starttls", "tls", "none"),
    ("smtp", "timeout"): _positive(3600),
    ("smtp", "send_timeout"): _positive(86400),
    ("smtp", "concurrency"): _between(1, 100),
    ("mail", "message_id_domain"): _pattern(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?"),
    ("mail", "max_attempts"): _between(1, 100),
    ("mail", "retry_base_seconds"): _between(1, 31_536_000),
    ("mail", "retry_max_seconds"): _between(1, 31_536_000),
    ("mail", "batch_size"): _between(1, 10_000),
    ("mail", "retention_days"): _between(0, 36_500),
    ("scheduler", "interval_seconds"): _between(1, 86_400),
    ("scheduler", "send_hour"): _between(0, 23),
    ("oparl", "interval_minutes"): _between(0, 10_080),
    ("oparl", "timeout_seconds"): _positive(600),
    ("oparl", "retries"): _between(0, 10),
    ("oparl", "retry_base_seconds"): _between(0, 600),
    ("oparl", "max_response_bytes"): _between(1_000, 1_000_000_000),
    ("oparl", "max_redirects"): _between(0, 20),
    ("web", "host"): _pattern(r"[A-Za-z0-9.:\[\]-]{1,253}"),
    ("web", "port"): _between(1, 65535),
    ("web", "workers"): _between(1, 64),
    ("web", "public_url"): _pattern(r"(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%/-]*)?)?"),
    ("web", "session_hours"): _between(1, 24 * 90),
    ("web", "link_hours"): _between(1, 24 * 30),
    ("web", "login_attempts"): _between(1, 100),
    ("web", "client_attempts"): _between(1, 100_000),
    ("web", "lockout_minutes"): _between(1, 24 * 60),
}

TYPE_NAMES = {str: "text", int: "integer", float: "number", bool: "boolean", list: "list", dict: "table",
              dt.date: "date", dt.datetime: "date", dt.time: "date"}


class _Refusal:
    """Builds the one line a configuration mistake produces: `file: [section] key: problem`."""

    def __init__(self, shown: str, lang: Language) -> None:
        self.shown, self.lang = shown, lang

    def __call__(self, section: str, key: str | None, problem: str, **values: Any) -> ConfigError:
        where = f"[{section}] {key}" if key else f"[{section}]"
        return ConfigError(m("config.bad_value", self.lang, path=self.shown, key=where,
                             problem=t(problem, self.lang, **values)))


def _type_ok(value: Any, expected: type | tuple[type, ...]) -> bool:
    """TOML booleans are Python ints; a number where a flag belongs (or the reverse) is a mistake."""
    kinds = expected if isinstance(expected, tuple) else (expected,)
    if isinstance(value, bool):
        return bool in kinds
    return isinstance(value, kinds)


def _strings(value: Any) -> list[str]:
    """The texts in a value (itself, or the items of a list), to look for control characters."""
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _check_value(refuse: _Refusal, section: str, key: str, value: Any) -> None:
    expected = SCHEMA[section][key][0]
    if isinstance(value, float) and not math.isfinite(value):
        raise refuse(section, key, "config.problem.finite", value=value)  # TOML allows inf and nan
    if not _type_ok(value, expected):
        kinds = expected if isinstance(expected, tuple) else (expected,)
        raise refuse(section, key, "config.problem.type",
                     expected=" / ".join(t(f"config.type.{TYPE_NAMES[k]}", refuse.lang) for k in kinds),
                     found=_describe(value, refuse.lang))
    if isinstance(value, list) and not all(isinstance(v, str) for v in value):
        raise refuse(section, key, "config.problem.type", expected=t("config.type.text_list", refuse.lang),
                     found=_describe(value, refuse.lang))
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for text in _strings(value) for ch in text):
        raise refuse(section, key, "config.problem.control")
    rule = RULES.get((section, key))
    verdict = rule(value) if rule else None
    if verdict:
        problem, values = verdict if isinstance(verdict, tuple) else (verdict, {})
        raise refuse(section, key, problem, value=value, **values)


def _describe(value: Any, lang: Language) -> str:
    """What was found, as the TOML author wrote it: `Zahl (587)`, `Tabelle`."""
    kind = t(f"config.type.{TYPE_NAMES[type(value)]}", lang)
    if isinstance(value, dict):
        return kind
    if isinstance(value, bool):
        shown = str(value).lower()
    else:
        shown = value.isoformat() if isinstance(value, (dt.date, dt.time)) else repr(value)
    return f"{kind} ({shown[:40]}…)" if len(shown) > 40 else f"{kind} ({shown})"


def _read_toml(path: Path, shown: str, lang: Language) -> dict[str, Any]:
    """The file's content; a directory, an unreadable, non-UTF-8, malformed or absurdly nested
    file is one line (tomllib recurses per nesting level, so 5,000 `[` exhaust the stack)."""
    if path.is_dir():
        raise ConfigError(m("config.not_a_file", lang, path=shown))
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(m("config.missing_file", lang, path=shown)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(m("config.malformed", lang, path=shown, error=exc)) from None
    except RecursionError:
        raise ConfigError(m("config.malformed", lang, path=shown, error=t("config.too_deep", lang))) from None
    except OSError as exc:
        raise ConfigError(m("config.unreadable", lang, path=shown, error=os_reason(exc, lang))) from None


def _defaults() -> dict[str, dict[str, Any]]:
    return {section: {key: default for key, (_, default) in keys.items()} for section, keys in SCHEMA.items()}


def default_settings() -> Settings:
    """Every key at its default, whatever ./config.toml says: for the benchmarks, whose figures
    must not depend on the folder they are run from."""
    return Settings(None, _defaults())


def load_settings(explicit: str | None = None, lang: Language = "de") -> Settings:
    """Load and validate the whole configuration before any command runs; raise ConfigError with
    one line on the first problem. Unknown keys are refused, not ignored: a typo such as
    `hostname` would otherwise silently send every mail to the maildir."""
    asked = os.environ.get("ZYKLUS_LANG")
    if asked and asked not in ("de", "en"):  # would otherwise fall back to German unseen
        from engine.validate import visible

        raise ConfigError(m("config.env_language", lang, value=visible(asked)))
    candidate = explicit or os.environ.get("ZYKLUS_CONFIG")
    path: Path | None
    if candidate:
        path = Path(candidate)
        if not path.exists():
            raise ConfigError(m("config.missing_file", lang, path=candidate))
    else:
        path = Path("config.toml") if Path("config.toml").is_file() else None
    shown = str(path)
    raw = _read_toml(path, shown, lang) if path is not None else {}
    refuse = _Refusal(path.name if path else "config.toml", lang)
    values = _defaults()
    for section, content in raw.items():
        if section not in SCHEMA:
            raise ConfigError(m("config.unknown_key", lang, path=refuse.shown, key=f"[{section}]"))
        if not isinstance(content, dict):
            raise refuse(section, None, "config.problem.table", found=_describe(content, lang))
        for key, value in content.items():
            if key in SECRET_KEYS:
                raise ConfigError(m("config.secret", lang, path=refuse.shown, key=f"[{section}] {key}",
                                    env=SECRET_KEYS[key]))
            if key not in SCHEMA[section]:
                raise ConfigError(m("config.unknown_key", lang, path=refuse.shown, key=f"[{section}] {key}"))
            _check_value(refuse, section, key, value)
            values[section][key] = value
    settings = Settings(path.resolve() if path else None, values)
    _check_relations(settings, refuse)
    return settings


def _check_relations(settings: Settings, refuse: _Refusal) -> None:
    """Rules between keys and about the files they name, checked now rather than at the first sweep."""
    if settings.get("mail", "retry_max_seconds") < settings.get("mail", "retry_base_seconds"):
        raise refuse("mail", "retry_max_seconds", "config.problem.below",
                     other="retry_base_seconds", value=settings.get("mail", "retry_base_seconds"))
    ca_file = settings.get("smtp", "ca_file")
    if ca_file and not settings.resolve(ca_file).is_file():
        raise refuse("smtp", "ca_file", "config.problem.no_file", path=settings.resolve(ca_file))
    template_dir = settings.get("general", "template_dir")
    if template_dir and not settings.resolve(template_dir).is_dir():
        raise refuse("general", "template_dir", "config.problem.no_dir", path=settings.resolve(template_dir))
    for folder in settings.workflow_dirs:
        if not folder.is_dir():
            raise refuse("general", "workflow_dirs", "config.problem.no_dir", path=folder)
    _check_sender(settings, refuse)


def _check_sender(settings: Settings, refuse: _Refusal) -> None:
    """The sender is the envelope's MAIL FROM and every mail's From: exactly one address, a
    display name allowed (engine.validate.sender). Checked with or without an SMTP host, since the
    maildir copies carry it too and a host may be configured later."""
    from engine import validate
    from engine.errors import InvalidInput

    sender = settings.get("smtp", "sender")
    try:
        if sender != SCHEMA["smtp"]["sender"][1]:  # the shipped default is good; email-validator loads only for another
            validate.sender(sender, refuse.lang)
    except InvalidInput as exc:
        raise ConfigError(m("config.bad_value", refuse.lang, path=refuse.shown, key="[smtp] sender",
                            problem=exc.message)) from None
    contact = settings.get("web", "contact")
    try:
        if contact:
            validate.email(contact, refuse.lang)
    except InvalidInput as exc:
        raise ConfigError(m("config.bad_value", refuse.lang, path=refuse.shown, key="[web] contact",
                            problem=exc.message)) from None
