"""MIME construction: structure, headers, Message-ID stability, header injection."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

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
    wire = build_message(mail).as_bytes(policy=email.policy.SMTP)
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
