"""Benchmark 3: reminders delivered per second through zyklus's sender to a local SMTP server.

The mails are real: a sweep composes them from due reminders (jinja2 text and HTML, ICS), then
the measured part is ``notifications.outbox.dispatch`` — lease a batch, send it through
``notifications.smtp.deliver`` (aiosmtplib, reused connections, bounded concurrency as
configured), record every outcome — until the outbox is empty. The server (aiosmtpd) runs in
its own process and counts what arrives, so every mail is accounted for at the receiving end.

Baseline in the same run: the same mails, each built as a simple script builds a message with
the stdlib (``EmailMessage`` with ``email.policy.SMTP``: bench/naive_mail.py, zyklus's own builder
until it wrote the MIME structure directly) and sent by ``smtplib`` over a connection of its own
(connect, EHLO, [STARTTLS, EHLO,] MAIL, RCPT, DATA, QUIT). Both sides start from the same
``OutgoingMail`` (subject, text, HTML, ICS as the outbox row holds them) and put a message on the
wire that says the same (tests/unit/test_mail_build.py parses both and compares them).
"""

from __future__ import annotations

import smtplib
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from bench.common import NOW, Result
from bench.naive_mail import build_email_message
from bench.seed import seed, service_for
from notifications.mail import build_message
from notifications.outbox import RetryPolicy, dispatch, to_mail
from notifications.setup import sweeper_for
from notifications.smtp import SmtpSettings, deliver_sync
from notifications.tables import Outbox
from zyklus.config import load_settings

SINK = Path(__file__).with_name("smtp_sink.py")


class Sink:
    """The SMTP server process and its counters."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.port = int(self._line())

    def _line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def _ask(self, command: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._line()

    def count(self) -> tuple[int, int, int]:
        messages, recipients, ids = self._ask("count").split()
        return int(messages), int(recipients), int(ids)

    def reset(self) -> None:
        self._ask("reset")


@contextmanager
def running_sink(tls: tuple[Path, Path] | None = None) -> Iterator[Sink]:
    args = [str(path) for path in tls] if tls else []
    process = subprocess.Popen([sys.executable, str(SINK), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    try:
        yield Sink(process)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


def self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def smtplib_per_message(mails: list[Any], port: int, context: ssl.SSLContext | None) -> None:
    for mail in mails:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            if context is not None:
                smtp.starttls(context=context)
            smtp.send_message(build_email_message(mail), from_addr=mail.sender, to_addrs=list(mail.recipients))


def _per_mail_ms(mails: list[Any], build: Callable[[Any], bytes]) -> float:
    start = time.perf_counter()
    for mail in mails:
        build(mail)
    return (time.perf_counter() - start) / len(mails) * 1000


def _pending_again(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE outbox SET status = 'pending', attempts = 0, lease_until = NULL, sent_at = NULL, "
                     "reply = NULL, next_attempt_at = created_at")
    conn.close()


ROUNDS = 3
"""Each method runs this often, the three alternating, and the best round counts: on a shared
machine a burst of other work during one method's only run would decide the ratio."""


def _measure(mode: str, path: Path, service: Any, outgoing: list[Any], tls: tuple[Path, Path] | None,
             log: Callable[[str], None]) -> dict[str, Any]:
    settings = load_settings(None)
    sender = settings.get("smtp", "sender")
    context = None
    if tls is not None:
        context = ssl.create_default_context(cafile=str(tls[0]))
    n = len(outgoing)
    rounds: list[dict[str, Any]] = []
    with running_sink(tls) as sink:
        smtp = SmtpSettings(host="127.0.0.1", port=sink.port, security="starttls" if tls else "none",
                            concurrency=settings.get("smtp", "concurrency"), tls_context=context)

        def timed(send: Callable[[], Any]) -> tuple[Any, float, float, tuple[int, int, int]]:
            sink.reset()
            wall, cpu = time.perf_counter(), time.process_time()
            got = send()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            return got, wall, cpu, sink.count()

        for _ in range(ROUNDS):
            _pending_again(path)
            counts, dispatch_s, dispatch_cpu, received = timed(lambda: dispatch(
                service.engine, NOW, lambda batch, on_outcome: deliver_sync(batch, smtp, on_outcome), sender,
                RetryPolicy(), settings.get("mail", "batch_size")))
            with Session(service.engine) as session:
                sent_rows = len(session.exec(select(Outbox.id).where(Outbox.status == "sent")).all())
            bare, sender_s, sender_cpu, received_sender = timed(lambda: deliver_sync(outgoing, smtp))
            _, smtplib_s, smtplib_cpu, received_smtplib = timed(lambda: smtplib_per_message(outgoing, sink.port, context))
            rounds.append({
                "dispatch_s": dispatch_s, "dispatch_cpu_s": dispatch_cpu, "dispatch_counts": counts,
                "outbox_rows_sent": sent_rows, "server_received_dispatch": received, "sender_only_s": sender_s,
                "sender_only_cpu_s": sender_cpu, "server_received_sender_only": received_sender,
                "smtplib_s": smtplib_s, "smtplib_cpu_s": smtplib_cpu, "server_received_smtplib": received_smtplib,
                "all_accounted": (received[0] == n and received[2] == n and sent_rows == n and counts["sent"] == n
                                  and received_sender[0] == n and all(o.status == "sent" for o in bare)
                                  and received_smtplib[0] == n)})
    best = {key: min(r[key] for r in rounds) for key in ("dispatch_s", "sender_only_s", "smtplib_s", "dispatch_cpu_s",
                                                         "sender_only_cpu_s", "smtplib_cpu_s")}
    accounted = all(r["all_accounted"] for r in rounds)
    log(f"    {mode}, best of {ROUNDS}: outbox dispatch {n / best['dispatch_s']:,.0f}/s, sender alone "
        f"{n / best['sender_only_s']:,.0f}/s, smtplib one connection per mail {n / best['smtplib_s']:,.0f}/s; "
        f"client CPU per mail {best['dispatch_cpu_s'] / n * 1000:.2f} / {best['sender_only_cpu_s'] / n * 1000:.2f} / "
        f"{best['smtplib_cpu_s'] / n * 1000:.2f} ms; every round all {n} at the server with distinct Message-IDs "
        f"and every row sent: {accounted}")
    return {"mode": mode, "mails": n, "concurrency": smtp.concurrency, "batch_size": settings.get("mail", "batch_size"),
            "rounds": rounds, **best, "all_accounted": accounted}


def run(mails: int, log: Callable[[str], None]) -> list[Result]:
    settings = load_settings(None)
    with tempfile.TemporaryDirectory(prefix="zyklus-bench-mail-") as tmp:
        seeded = seed(Path(tmp) / "mail.db", mails // 2, mails // 2)  # two coordinators per cycle
        service = service_for(seeded.path)
        sweeper_for(service, settings).sweep(deliver=False)
        with Session(service.engine) as session:
            outgoing = [to_mail(row, settings.get("smtp", "sender"))
                        for row in session.exec(select(Outbox).order_by(Outbox.id))]
        sizes = [len(build_message(m)) for m in outgoing[:50]]
        build_ms = _per_mail_ms(outgoing[:200], build_message)
        naive_build_ms = _per_mail_ms(outgoing[:200], lambda mail: build_email_message(mail).as_bytes())
        log(f"    {len(outgoing)} mails of about {sum(sizes) // len(sizes):,} bytes; building one costs {build_ms:.2f} ms "
            f"(EmailMessage, as the baseline builds it: {naive_build_ms:.2f} ms)")
        modes = {"plain": _measure("plain", seeded.path, service, outgoing, None, log),
                 "starttls": _measure("starttls", seeded.path, service, outgoing, self_signed(Path(tmp)), log)}
        service.engine.dispose()
    results = []
    for mode, label in (("plain", "plain SMTP"), ("starttls", "STARTTLS (the default)")):
        m = modes[mode]
        n = m["mails"]
        ours, base = n / m["dispatch_s"], n / m["smtplib_s"]
        details = {**m, "build_message_ms": build_ms, "baseline_build_message_ms": naive_build_ms,
                   "mean_message_bytes": sum(sizes) // len(sizes)}
        results.append(Result("3 delivery", f"mails/s, outbox dispatch, {label}", ours, "/s", base,
                               "smtplib, 1 connection/mail", "≥ 3×, all accounted",
                               ours >= 3 * base and m["all_accounted"], details=details))
        results.append(Result("3 delivery", f"mails/s, sender alone, {label}", n / m["sender_only_s"], "/s", base,
                               "smtplib, 1 connection/mail", "–", None, details=details))
    return results
