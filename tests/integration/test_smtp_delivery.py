"""Mail delivery against a real SMTP server (aiosmtpd) and a real Maildir."""

from __future__ import annotations

import asyncio
import datetime
import mailbox
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import pytest
from smtp_server import DROP, SHUTDOWN, STALL, ScriptedHandler, TlsFiles

from notifications.ics import deadline_event
from notifications.mail import OutgoingMail, message_id_for
from notifications.maildir import deliver_to_maildir
from notifications.smtp import DeliveryOutcome, SmtpSettings, deliver, deliver_sync

DOMAIN = "zyklus.example.org"
CREDENTIALS = ("zyklus", "s3cret-pässword")
StartServer = Callable[..., int]


def make_mail(key: str = "reminder:09162000:2:bestandsaufnahme:before", **overrides: object) -> OutgoingMail:
    fields: dict[str, object] = {
        "key": key,
        "message_id": message_id_for(key, DOMAIN),
        "sender": "Nachhaltigkeitsmanagement <noreply@musterstadt.example>",
        "recipients": ("anna.mueller@musterstadt.example", "ben.schulz@musterstadt.example"),
        "subject": "Erinnerung: Bestandsaufnahme – Frist am 15.03.2027 (Musterstadt)",
        "text": "Guten Tag Frau Müller,\n\ndie Frist endet am 15. März 2027.\n",
        "html": "<p>Guten Tag Frau Müller,</p><p>die Frist endet am <strong>15. März 2027</strong>.</p>",
    }
    fields.update(overrides)
    return OutgoingMail(**fields)  # type: ignore[arg-type]


def plain(port: int, **overrides: object) -> SmtpSettings:
    options: dict[str, Any] = {"timeout": 10.0, **overrides}
    return SmtpSettings(host="127.0.0.1", port=port, security="none", **options)


# --- content -------------------------------------------------------------------


def test_mail_arrives_with_recipients_parts_calendar_and_stable_message_id(
    smtp_port: int, smtp_handler: ScriptedHandler
) -> None:
    ics = deadline_event(
        uid="frist-09162000-2-bestandsaufnahme@zyklus",
        sequence=3,
        summary="Frist: Bestandsaufnahme",
        description="Bestandsaufnahme abschließen",
        due=datetime.date(2027, 3, 15),
        organizer="noreply@musterstadt.example",
        attendees=["anna.mueller@musterstadt.example"],
        stamp=datetime.datetime(2027, 3, 1, 7, tzinfo=datetime.UTC),
        method="REQUEST",
    )
    mail = make_mail(ics=ics, ics_method="REQUEST")

    outcomes = deliver_sync([mail, mail], plain(smtp_port))

    assert [o.status for o in outcomes] == ["sent", "sent"]
    assert outcomes[0].key == mail.key and outcomes[0].reply.startswith("250 ")
    first, resent = smtp_handler.received
    assert first.mail_from == "noreply@musterstadt.example"
    assert first.rcpt_tos == mail.recipients
    message = first.message
    assert message["Subject"] == mail.subject
    assert message["To"] == ", ".join(mail.recipients)
    assert message["Content-Language"] == "de"
    assert message["Message-ID"] == mail.message_id == resent.message["Message-ID"]
    text_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
    assert text_part is not None and html_part is not None
    assert text_part.get_content() == mail.text
    assert html_part.get_content().strip() == mail.html
    [attachment] = message.iter_attachments()
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "frist.ics"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    [event] = calendar.events
    assert event.uid == "frist-09162000-2-bestandsaufnahme@zyklus"
    assert event.start == datetime.date(2027, 3, 15)


def test_header_injection_fails_that_mail_only(smtp_port: int, smtp_handler: ScriptedHandler) -> None:
    evil = make_mail("evil", subject="Hallo\r\nBcc: everyone@example.org")

    outcomes = deliver_sync([evil, make_mail("good")], plain(smtp_port))

    assert outcomes[0].status == "failed" and "CR, LF or NUL" in outcomes[0].reply
    assert outcomes[1].status == "sent"
    assert [r.message["Message-ID"] for r in smtp_handler.received] == [message_id_for("good", DOMAIN)]


# --- TLS and AUTH --------------------------------------------------------------


def test_starttls_and_auth(start_smtp_server: StartServer, tls_files: TlsFiles) -> None:
    handler = ScriptedHandler()
    port = start_smtp_server(handler, tls=tls_files, credentials=CREDENTIALS)
    settings = SmtpSettings(
        host="127.0.0.1",
        port=port,
        security="starttls",
        username=CREDENTIALS[0],
        password=CREDENTIALS[1],
        tls_context=tls_files.client_context(),
        timeout=10,
    )

    [outcome] = deliver_sync([make_mail()], settings)

    assert outcome.status == "sent", outcome.reply
    [received] = handler.received
    assert received.tls and received.login == CREDENTIALS[0].encode()


def test_implicit_tls(start_smtp_server: StartServer, tls_files: TlsFiles) -> None:
    handler = ScriptedHandler()
    port = start_smtp_server(handler, tls=tls_files, implicit_tls=True)
    settings = SmtpSettings(host="127.0.0.1", port=port, security="tls", tls_context=tls_files.client_context())

    [outcome] = deliver_sync([make_mail()], settings)

    assert outcome.status == "sent", outcome.reply
    assert handler.received[0].tls


def test_wrong_password_is_permanent(start_smtp_server: StartServer, tls_files: TlsFiles) -> None:
    port = start_smtp_server(ScriptedHandler(), tls=tls_files, credentials=CREDENTIALS)
    settings = SmtpSettings(
        host="127.0.0.1",
        port=port,
        username=CREDENTIALS[0],
        password="wrong",
        tls_context=tls_files.client_context(),
    )

    outcomes = deliver_sync([make_mail("a"), make_mail("b")], settings)

    assert [(o.status, o.reply[:3]) for o in outcomes] == [("failed", "535"), ("failed", "535")]


def test_untrusted_certificate_is_not_accepted(start_smtp_server: StartServer, tls_files: TlsFiles) -> None:
    handler = ScriptedHandler()
    port = start_smtp_server(handler, tls=tls_files)

    [outcome] = deliver_sync([make_mail()], SmtpSettings(host="127.0.0.1", port=port))

    assert outcome.status == "retry"
    assert "CERTIFICATE_VERIFY_FAILED" in outcome.reply
    assert handler.received == []


def test_password_is_not_in_repr() -> None:
    settings = SmtpSettings(host="mail.example.org", username="zyklus", password="s3cret")
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings)


# --- classification ------------------------------------------------------------


def test_temporary_failure_then_success(start_smtp_server: StartServer) -> None:
    handler = ScriptedHandler(data_replies=["451 4.3.0 Try again later"])
    settings = plain(start_smtp_server(handler))
    mail = make_mail()

    assert deliver_sync([mail], settings) == [DeliveryOutcome(mail.key, "retry", "451 4.3.0 Try again later")]
    [outcome] = deliver_sync([mail], settings)

    assert outcome.status == "sent"
    assert len(handler.received) == 1


def test_permanent_failure_keeps_reply(start_smtp_server: StartServer) -> None:
    handler = ScriptedHandler(data_replies=["550 5.7.1 Message rejected as spam"])
    mail = make_mail()

    outcomes = deliver_sync([mail], plain(start_smtp_server(handler)))

    assert outcomes == [DeliveryOutcome(mail.key, "failed", "550 5.7.1 Message rejected as spam")]


def test_partially_refused_recipients_are_named(start_smtp_server: StartServer) -> None:
    handler = ScriptedHandler(refuse={"ben.schulz@musterstadt.example": "550 5.1.1 No such user"})

    [outcome] = deliver_sync([make_mail()], plain(start_smtp_server(handler)))

    assert outcome.status == "sent"
    assert "ben.schulz@musterstadt.example (550 5.1.1 No such user)" in outcome.reply
    assert handler.received[0].rcpt_tos == ("anna.mueller@musterstadt.example",)


def test_all_recipients_refused_permanently_fails(start_smtp_server: StartServer) -> None:
    handler = ScriptedHandler(
        refuse={
            "anna.mueller@musterstadt.example": "450 4.2.1 Mailbox busy",
            "ben.schulz@musterstadt.example": "550 5.1.1 No such user",
        }
    )

    [outcome] = deliver_sync([make_mail()], plain(start_smtp_server(handler)))

    assert outcome.status == "failed"
    assert "550 5.1.1 No such user" in outcome.reply and "450 4.2.1 Mailbox busy" in outcome.reply


def test_server_down_means_retry(unused_smtp_port: int) -> None:
    mails = [make_mail("a"), make_mail("b"), make_mail("c")]

    outcomes = deliver_sync(mails, plain(unused_smtp_port))

    assert [(o.key, o.status) for o in outcomes] == [("a", "retry"), ("b", "retry"), ("c", "retry")]
    assert all("Error connecting" in o.reply for o in outcomes)


def test_empty_batch_has_no_outcomes(unused_smtp_port: int) -> None:
    assert deliver_sync([], plain(unused_smtp_port)) == []


def test_per_operation_timeout_means_retry(start_smtp_server: StartServer) -> None:
    port = start_smtp_server(ScriptedHandler(data_replies=[STALL]))

    outcomes = deliver_sync([make_mail("a")], plain(port, timeout=0.2))

    assert [o.status for o in outcomes] == ["retry"]
    assert "Timeout" in outcomes[0].reply


def test_batch_timeout_gives_every_mail_a_retry(start_smtp_server: StartServer) -> None:
    port = start_smtp_server(ScriptedHandler(data_replies=[STALL, STALL]))

    outcomes = deliver_sync([make_mail(str(i)) for i in range(5)], plain(port, send_timeout=0.2))

    assert [o.key for o in outcomes] == ["0", "1", "2", "3", "4"]
    assert {o.status for o in outcomes} == {"retry"}
    assert all("send_timeout" in o.reply for o in outcomes)


# --- connections ---------------------------------------------------------------


def test_concurrent_delivery_sends_each_mail_exactly_once(
    smtp_port: int, smtp_handler: ScriptedHandler
) -> None:
    mails = [make_mail(f"digest:{i}", recipients=(f"person{i}@musterstadt.example",)) for i in range(50)]

    outcomes = asyncio.run(deliver(mails, plain(smtp_port, concurrency=4)))

    assert [o.key for o in outcomes] == [m.key for m in mails]
    assert {o.status for o in outcomes} == {"sent"}
    delivered = Counter(r.message["Message-ID"] for r in smtp_handler.received)
    assert delivered == Counter(m.message_id for m in mails)
    assert len({r.peer for r in smtp_handler.received}) <= 4  # connections are reused


def test_dropped_connection_is_reopened_once(start_smtp_server: StartServer) -> None:
    handler = ScriptedHandler(data_replies=["250 2.0.0 Queued as 1", DROP])
    mails = [make_mail("a"), make_mail("b"), make_mail("c")]

    outcomes = deliver_sync(mails, plain(start_smtp_server(handler), concurrency=1))

    assert [o.status for o in outcomes] == ["sent", "retry", "sent"]
    assert outcomes[0].reply == "250 2.0.0 Queued as 1"
    assert [r.message["Message-ID"] for r in handler.received] == [mails[0].message_id, mails[2].message_id]
    assert len({r.peer for r in handler.received}) == 2


def test_failed_reconnect_leaves_remaining_mails_for_retry(start_smtp_server: StartServer) -> None:
    handler = ScriptedHandler(data_replies=["250 2.0.0 OK", SHUTDOWN])
    mails = [make_mail(key) for key in "abcd"]

    outcomes = deliver_sync(mails, plain(start_smtp_server(handler), concurrency=1))

    assert [(o.key, o.status) for o in outcomes] == [("a", "sent"), ("b", "retry"), ("c", "retry"), ("d", "retry")]
    assert "Error connecting" in outcomes[2].reply and "Error connecting" in outcomes[3].reply
    assert len(handler.received) == 1


# --- outcomes as they come ------------------------------------------------------


def test_each_outcome_is_handed_on_before_the_connection_sends_the_next_mail(
    smtp_port: int, smtp_handler: ScriptedHandler
) -> None:
    mails = [make_mail(f"m{i}", recipients=(f"p{i}@musterstadt.example",)) for i in range(6)]
    seen: list[tuple[str, int]] = []  # (outcome's key, mails the server had at that moment)

    outcomes = deliver_sync(mails, plain(smtp_port, concurrency=1),
                            lambda outcome: seen.append((outcome.key, len(smtp_handler.received))))

    assert seen == [(f"m{i}", i + 1) for i in range(6)]  # mail i recorded while the server had exactly i+1
    assert [o.key for o in outcomes] == [key for key, _ in seen]


def test_mails_nobody_could_send_reach_the_sink_too(unused_smtp_port: int) -> None:
    seen: list[DeliveryOutcome] = []

    outcomes = deliver_sync([make_mail("a"), make_mail("b")], plain(unused_smtp_port), seen.append)

    assert seen == outcomes and {o.status for o in seen} == {"retry"}


def test_batch_timeout_outcomes_reach_the_sink(start_smtp_server: StartServer) -> None:
    port = start_smtp_server(ScriptedHandler(data_replies=["250 2.0.0 OK", STALL]))
    seen: list[DeliveryOutcome] = []

    deliver_sync([make_mail(str(i)) for i in range(4)], plain(port, concurrency=1, send_timeout=0.5), seen.append)

    assert [(o.key, o.status) for o in seen] == [("0", "sent"), ("1", "retry"), ("2", "retry"), ("3", "retry")]


def test_a_failing_sink_stops_the_batch(smtp_port: int, smtp_handler: ScriptedHandler) -> None:
    """The outbox cannot record (its database is gone): sending on would only make doubles."""
    mails = [make_mail(f"m{i}", recipients=(f"p{i}@musterstadt.example",)) for i in range(20)]
    seen: list[str] = []

    def sink(outcome: DeliveryOutcome) -> None:
        seen.append(outcome.key)
        if len(seen) == 3:
            raise RuntimeError("database gone")

    with pytest.raises(RuntimeError, match="database gone"):
        deliver_sync(mails, plain(smtp_port, concurrency=2), sink)

    assert len(smtp_handler.received) <= 3 + 1  # the failing one, and at most one in flight on the other


# --- maildir -------------------------------------------------------------------


def test_maildir_delivery(tmp_path: Path) -> None:
    box_path = tmp_path / "outbox"
    mails = [make_mail("a"), make_mail("b", subject="bad\nsubject")]

    outcomes = deliver_to_maildir(mails, box_path)

    assert outcomes[0] == DeliveryOutcome("a", "sent", f"maildir {box_path}/a")
    assert outcomes[1].status == "failed"
    [stored] = mailbox.Maildir(box_path, create=False)
    assert stored["Message-ID"] == mails[0].message_id
    assert stored["To"] == ", ".join(mails[0].recipients)


def test_maildir_hands_on_each_outcome_once_the_mail_is_stored(tmp_path: Path) -> None:
    box_path = tmp_path / "outbox"
    seen: list[tuple[str, int]] = []

    deliver_to_maildir([make_mail(key) for key in "abc"], box_path,
                       lambda outcome: seen.append((outcome.key, len(mailbox.Maildir(box_path, create=False)))))

    assert seen == [("a", 1), ("b", 2), ("c", 3)]


def test_settings_reject_zero_concurrency() -> None:
    with pytest.raises(ValueError, match="concurrency"):
        SmtpSettings(host="mail.example.org", concurrency=0)
