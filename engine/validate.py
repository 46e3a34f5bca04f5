"""Validation of user input at the boundary, with one translated line per problem.

Everything here is pure and raises :class:`InvalidInput`; the service calls it before it
opens a transaction, so bad input never changes the database.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from engine.errors import InvalidInput
from engine.i18n import Language, format_date, m, t

if TYPE_CHECKING:
    from email_validator import ValidatedEmail

STATES: dict[str, str] = {
    "BW": "Baden-Württemberg", "BY": "Bayern", "BE": "Berlin", "BB": "Brandenburg",
    "HB": "Bremen", "HH": "Hamburg", "HE": "Hessen", "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen", "NW": "Nordrhein-Westfalen", "RP": "Rheinland-Pfalz",
    "SL": "Saarland", "SN": "Sachsen", "ST": "Sachsen-Anhalt", "SH": "Schleswig-Holstein",
    "TH": "Thüringen",
}
# First two AGS digits per state (Destatis numbering), used to catch a key typed for the wrong Land.
STATE_AGS_PREFIX: dict[str, str] = {
    "SH": "01", "HH": "02", "NI": "03", "HB": "04", "NW": "05", "HE": "06", "RP": "07",
    "BW": "08", "BY": "09", "SL": "10", "BE": "11", "BB": "12", "MV": "13", "SN": "14",
    "ST": "15", "TH": "16",
}
KINDS = ("gemeinde", "stadt", "landkreis")

MAX_NAME = 200
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
"""Dates a municipality's cycle can mean. Wider ones are typos (0202 for 2020) and break date
arithmetic at the calendar's edges (a due date after 9999-12-31 does not exist)."""
DB_INT_MAX = 2**63 - 1
"""The largest id a database integer column holds (PostgreSQL bigint, SQLite INTEGER)."""
MAX_TEXT = 10_000
_AGS = re.compile(r"[0-9]{8}")
_LOCAL_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}")
_LOCAL_DOMAIN = re.compile(r"@(?:[a-z0-9-]+\.)*(?:localhost|local)(>?) *$", re.IGNORECASE)
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""The control characters, Unicode category Cc (a fixed set): as a character class, so a 10 MB
value is scanned at C speed (a loop over ``unicodedata.category`` took seconds)."""
LINE_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""The control characters and the line and paragraph separators (categories Zl and Zp)."""
CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""The control characters but tab and line feed, which free text may hold."""


def ags(value: str, lang: Language = "de") -> str:
    value = value.strip()
    if not _AGS.fullmatch(value):
        raise InvalidInput(m("ags.invalid", lang, value=value))
    return value


def ags_in_state(ags_value: str, state_code: str, lang: Language = "de") -> None:
    """The AGS begins with the Land's number (16 = Thüringen): a mismatch is a typo in one of them."""
    if ags_value[:2] != STATE_AGS_PREFIX[state_code]:
        raise InvalidInput(m("ags.state_mismatch", lang, ags=ags_value, state=state_code,
                             prefix=STATE_AGS_PREFIX[state_code]))


def state(value: str, lang: Language = "de") -> str:
    code = value.strip().upper()
    if code not in STATES:
        raise InvalidInput(m("state.invalid", lang, value=value, allowed=", ".join(STATES)))
    return code


def kind(value: str, lang: Language = "de") -> str:
    k = value.strip().lower()
    if k not in KINDS:
        raise InvalidInput(m("kind.invalid", lang, value=value, allowed=", ".join(KINDS)))
    return k


def single_line(value: str, field: str, lang: Language = "de", limit: int = MAX_NAME) -> str:
    """Names end up in mail headers and reports: no CR/LF, no Unicode line or paragraph
    separator (U+2028/U+2029, which ``str.splitlines`` breaks on), no other control characters."""
    if LINE_BREAKING.search(value):
        raise InvalidInput(m("text.control", lang, field=field))
    value = value.strip()
    if not value:
        raise InvalidInput(m("text.empty", lang, field=field))
    if len(value) > limit:
        raise InvalidInput(m("text.too_long", lang, field=field, length=len(value), limit=limit))
    return value


def text(value: str, field: str, lang: Language = "de", limit: int = MAX_TEXT) -> str:
    """Free text may span lines, but not carry other control characters or be unbounded."""
    if CONTROL_IN_TEXT.search(value):
        raise InvalidInput(m("text.control_multiline", lang, field=field))
    if len(value) > limit:
        raise InvalidInput(m("text.too_long", lang, field=field, length=len(value), limit=limit))
    return value.strip()


def email(value: str, lang: Language = "de") -> str:
    """One plain address (``name@kommune.de``), parsed by email-validator without any network
    look-up, in the one form zyklus stores and compares: all lower case.

    Refused is everything that would be misdelivered or read as more than one address: a display
    name or angle brackets, ``,`` or ``;``, quotes, whitespace, control characters, a missing or
    dotless domain, an IP literal, a reserved domain (``.local``, ``localhost``), a part longer
    than SMTP allows (64 characters before the @), and non-ASCII before the @ (it needs SMTPUTF8, which many municipal relays lack). An internationalised
    domain is stored in its ASCII (Punycode) form, the one the SMTP envelope carries.

    Lower case, the local part included: RFC 5321 lets a server treat ``Anna.Koch`` and
    ``anna.koch`` as two mailboxes, but the mail systems of town halls (Exchange, Postfix,
    Dovecot, hosted mail) do not, so two spellings are always one person, and a second
    registration in another letter case is a typo, never a second colleague."""
    stored = _stored_form(value)
    if stored is None:
        raise InvalidInput(m("email.invalid", lang, value=value))
    return stored


@lru_cache(maxsize=4096)
def _stored_form(value: str) -> str | None:
    """The stored form of an address, None when it is refused. Cached: the same few addresses
    are checked on every command and request (the actor of each advance, each recipient), and
    parsing one costs about a third of a millisecond."""
    try:
        return str(_address(value, "de", display_name=False).ascii_email).lower()
    except InvalidInput:
        return None


def sender(value: str, lang: Language = "de") -> str:
    """The configured From: one address as for people, but a display name may stand before it
    ("Nachhaltigkeit Erfurt <noreply@erfurt.de>"), which recipients see and the envelope omits,
    and the domain may be the machine's own (``zyklus@localhost``, the shipped default, which a
    relay on the same machine accepts). email-validator refuses such reserved names even without
    a deliverability check, so the rest of the address is checked with a stand-in domain."""
    _address(_LOCAL_DOMAIN.sub(r"@localhost.example\1", value), lang, display_name=True)
    return value.strip(" ")


def _address(value: str, lang: Language, *, display_name: bool) -> "ValidatedEmail":
    # Imported here: every command validates something, few validate an address (a tenth of `status`).
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value.strip(" "), check_deliverability=False, allow_smtputf8=False,
                              allow_display_name=display_name, strict=True)  # strict: RFC 5321 lengths too
    except EmailNotValidError:
        raise InvalidInput(m("email.invalid", lang, value=value)) from None


def date(value: str | dt.date, lang: Language = "de") -> dt.date:
    """Only ISO dates: 31.12.2027 is ambiguous to a machine and 2027-02-30 does not exist. A
    date the caller has already read is only checked to lie in the range zyklus keeps."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return in_range(value, value.isoformat(), lang)
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
            raise ValueError(value)
        parsed = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(m("date.invalid", lang, value=value)) from None
    return in_range(parsed, value, lang)


def in_range(day: dt.date, shown: object, lang: Language = "de") -> dt.date:
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(m("date.range", lang, value=shown, earliest=EARLIEST.year, latest=LATEST.year))
    return day


def moment(value: str, tz: dt.tzinfo, lang: Language = "de") -> dt.datetime:
    """An ISO date or datetime for `--now`; naive values are local to the configured zone."""
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(m("datetime.invalid", lang, value=value)) from None
    in_range(parsed.date(), value, lang)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def local_moment(value: str, lang: Language = "de") -> dt.datetime:
    """A meeting's start as typed, ``2027-05-03T17:00`` (to the minute, no zone: local time). A
    day that does not exist (2027-02-30) or an hour past 23 is one clear line, not a guess."""
    text_value = value.strip()
    try:
        if not _LOCAL_MOMENT.fullmatch(text_value):
            raise ValueError(text_value)
        parsed = dt.datetime.fromisoformat(text_value)
    except ValueError:
        raise InvalidInput(m("meeting.when_invalid", lang, value=value)) from None
    in_range(parsed.date(), value, lang)
    return parsed


def in_zone(value: dt.datetime, tz: dt.tzinfo, lang: Language = "de") -> dt.datetime:
    """A local time as typed (no zone) in the configured zone. A time the change to summer time
    skips (02:30 on 31.03.2030 in Europe/Berlin) does not exist: refused, not moved to 03:30. A
    time the change back repeats (02:30 on 27.10.2030) is its first occurrence, still summer
    time (+02:00), as Python's ``fold=0`` reads it; docs/meetings.md says so."""
    local = value.replace(tzinfo=tz, fold=0)
    if local.astimezone(dt.timezone.utc).astimezone(tz).replace(tzinfo=None) != value.replace(fold=0):
        raise InvalidInput(m("time.skipped", lang, time=value.strftime("%H:%M"), day=format_date(value.date(), lang)))
    return local


def identifier(value: int, field: str, lang: Language = "de") -> int:
    """A row id typed by an operator: positive and within the database's integer column."""
    if not 1 <= value <= DB_INT_MAX:
        shown = str(value) if len(str(value)) <= 30 else f"{str(value)[:30]}…"
        raise InvalidInput(m("id.range", lang, field=field, value=shown))
    return value


def database_url(url: str, lang: Language = "de") -> str:
    """A URL SQLAlchemy can read and without control characters; the message never shows the password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if CONTROL.search(url):
        raise InvalidInput(m("db.url_invalid", lang, problem=t("text.control", lang, field="URL")))
    try:
        make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise InvalidInput(m("db.url_invalid", lang, problem=type(exc).__name__)) from None
    return url


def visible(text: str) -> str:
    """Typed text as it can be quoted in one line on a terminal: control characters (an escape
    sequence, a line break) written as escapes instead of acting."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
