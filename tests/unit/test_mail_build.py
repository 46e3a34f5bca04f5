"""MIME construction: structure, headers, Message-ID stability, header injection."""

from __future__ import annotations

import email
import email.policy
import json
import re
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bench.naive_mail import build_email_message
from notifications.mail import HeaderInjectionError, OutgoingMail, build_message, message_id_for

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//zyklus//DE\r\nEND:VCALENDAR\r\n"


def make_mail(**overrides: object) -> OutgoingMail:
    fields: dict[str, object] = {
        "key": "reminder:09162000:2:bestandsaufnahme:due",
        "message_id": message_id_for("reminder:09162000:2:bestandsaufnahme:due", "zyklus.example.org"),
        "sender": "noreply@musterstadt.example",
        "recipients": ("anna.mueller@musterstadt.example",),
        "subject": "Heute fällig: Bestandsaufnahme (Musterstadt)",
        "text": "Guten Tag Frau Müller,\n",
    }
    fields.update(overrides)
    return OutgoingMail(**fields)  # type: ignore[arg-type]


def reparse(mail: OutgoingMail) -> email.message.EmailMessage:
    wire = build_message(mail)
    headers = wire.split(b"\r\n\r\n", 1)[0]
    assert max(len(line) for line in headers.split(b"\r\n")) <= 78, headers
    parsed = email.message_from_bytes(wire.replace(b"\r\n", b"\n"), policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed


def test_message_id_is_stable_and_well_formed() -> None:
    first = message_id_for("reminder:1", "zyklus.example.org")
    assert first == message_id_for("reminder:1", "zyklus.example.org")
    assert first != message_id_for("reminder:2", "zyklus.example.org")
    assert re.fullmatch(r"<[0-9a-f]{32}@zyklus\.example\.org>", first)


def test_text_only_mail_is_a_single_part() -> None:
    message = reparse(make_mail())
    assert message.get_content_type() == "text/plain"
    assert message.get_content() == "Guten Tag Frau Müller,\n"


def test_headers() -> None:
    mail = make_mail(recipients=("a@musterstadt.example", "b@musterstadt.example"), language="en")
    message = reparse(mail)
    assert message["From"] == mail.sender
    assert message["To"] == "a@musterstadt.example, b@musterstadt.example"
    assert message["Subject"] == mail.subject
    assert message["Message-ID"] == mail.message_id
    assert message["Content-Language"] == "en"
    assert message["Auto-Submitted"] == "auto-generated"
    assert email.utils.parsedate_to_datetime(message["Date"]) is not None


def test_html_alternative_and_calendar_attachment() -> None:
    message = reparse(make_mail(html="<p>Hallo</p>", ics=ICS, ics_method="REQUEST"))

    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "frist.ics"
    assert attachment.get_payload(decode=True) == ICS


@pytest.mark.parametrize("bad", ["\r", "\n", "\0", "\r\nBcc: x@example.org"])
@pytest.mark.parametrize("field", ["subject", "sender", "recipients"])
def test_header_injection_is_rejected(field: str, bad: str) -> None:
    value: object = f"x@example.org{bad}"
    if field == "recipients":
        value = ("ok@example.org", f"x@example.org{bad}")
    with pytest.raises(HeaderInjectionError):
        build_message(make_mail(**{field: value}))


def test_header_injection_error_is_a_value_error() -> None:
    assert issubclass(HeaderInjectionError, ValueError)


def test_mail_without_recipients_is_rejected() -> None:
    with pytest.raises(ValueError, match="no recipients"):
        build_message(make_mail(recipients=()))


@given(
    prefix=st.text(max_size=20),
    breaker=st.sampled_from(["\r", "\n", "\0"]),
    suffix=st.text(max_size=20),
)
def test_any_subject_with_a_line_break_is_rejected(prefix: str, breaker: str, suffix: str) -> None:
    with pytest.raises(HeaderInjectionError):
        build_message(make_mail(subject=prefix + breaker + suffix))


# The explicit example is folded between two encoded words, where Python < 3.13
# used to drop the space ("–Äußerung").
@example(words=["Frist", "die", "Straße", "für", "Ämter", "09162000)", "–", "Äußerung", "09162000)", "–"])
@given(words=st.lists(st.text(alphabet=st.characters(categories=["L", "N", "P"]), min_size=1), min_size=1, max_size=8))
def test_single_line_subjects_survive_encoding(words: list[str]) -> None:
    subject = " ".join(words)
    assert reparse(make_mail(subject=subject))["Subject"] == subject


# -- the written message says what the stdlib's EmailMessage builder says ------------------------
# bench/naive_mail.py is the builder zyklus used before it wrote the MIME structure itself (and the
# delivery benchmark's baseline). Byte equality is impossible (boundaries, the encoders' line
# lengths, 8bit where the writer uses quoted-printable), so both are parsed and compared.

GOLDEN = json.loads((Path(__file__).parent / "mail_golden.json").read_text(encoding="utf-8"))
SENDERS = ("noreply@musterstadt.example", "Nachhaltigkeitsbüro Musterstadt <noreply@musterstadt.example>")


def said(wire: bytes) -> dict[str, object]:
    """What a mail client shows of a message: its headers decoded, and its tree of parts with their
    content types, parameters, file names and decoded payloads."""
    parsed = email.message_from_bytes(wire, policy=email.policy.default)
    headers = {name: str(parsed[name]) for name in ("From", "To", "Subject", "Message-ID", "Auto-Submitted",
                                                   "Content-Language", "MIME-Version")}
    return {"headers": headers, "parts": _tree(parsed)}


def _tree(part: email.message.Message) -> object:
    if part.is_multipart():
        return (part.get_content_type(), [_tree(child) for child in part.iter_parts()])  # type: ignore[attr-defined]
    payload = part.get_payload(decode=True)
    if part.get_content_type() != "text/calendar":  # a text's line ends are CRLF on the wire, however encoded
        payload = payload.decode("utf-8").replace("\r\n", "\n")
    return (part.get_content_type(), part.get_param("charset"), part.get_param("method"), part.get_filename(),
            part.get_content_disposition(), payload)


def assert_same_as_email_message(mail: OutgoingMail) -> None:
    ours, theirs = build_message(mail), build_email_message(mail).as_bytes()
    assert said(ours) == said(theirs)
    assert ours.isascii() and b"\n" not in ours.replace(b"\r\n", b"")  # 7bit, CRLF only
    assert max(len(line) for line in ours.split(b"\r\n")) <= 78
    assert all(len(word) <= 75 for word in re.findall(rb"=\?[^?]+\?[qb]\?[^?]*\?=", ours))  # RFC 2047's limit


@pytest.mark.parametrize("key", sorted(GOLDEN))
@pytest.mark.parametrize("shape", ["text", "text+html", "text+ics", "text+html+ics"])
def test_every_golden_mail_says_what_email_message_says(key: str, shape: str) -> None:
    pinned = GOLDEN[key]
    index = sorted(GOLDEN).index(key)
    mail = make_mail(key=key, message_id=message_id_for(key, "zyklus.example.org"), subject=pinned["subject"],
                     text=pinned["text"], html=pinned["html"] if "html" in shape else None,
                     ics=CALENDAR if "ics" in shape else None, ics_method=("PUBLISH", "REQUEST", "CANCEL")[index % 3],
                     sender=SENDERS[index % 2], language=key.rsplit("/", 1)[1])
    assert_same_as_email_message(mail)


CALENDAR = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//zyklus//DE\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
            "SUMMARY:Frist: Bestandsaufnahme – Übergabe an den Stadtrat (Musterstadt)\r\n"
            "DESCRIPTION:Guten Tag Frau Müller\\,\\nbitte denken Sie an die Frist.\r\nEND:VEVENT\r\n"
            "END:VCALENDAR\r\n").encode("utf-8")


@given(text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300),
       html=st.none() | st.text(max_size=200), ics=st.none() | st.binary(max_size=300),
       subject=st.text(alphabet=st.characters(categories=["L", "N", "P", "Zs"], exclude_characters="\x85\u2028\u2029"),
                       min_size=1, max_size=120).filter(str.strip))
@example(text="From here\n--=_alternative_x\n.\n  trailing  \n" + "x" * 200, html="<p>a</p>", ics=None,
         subject="Frist " * 20)
@example(text="a\rb\r\nc\x0bd\x1ce\u2028f", html=None, ics=b"", subject="Ä")
def test_any_mail_says_what_email_message_says(text: str, html: str | None, ics: bytes | None, subject: str) -> None:
    assert_same_as_email_message(make_mail(text=text, html=html, ics=ics, subject=subject))
