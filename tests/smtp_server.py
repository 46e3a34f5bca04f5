"""A real SMTP server for tests, built on aiosmtpd.

Delivery code is tested against an actual SMTP conversation (greeting, EHLO,
STARTTLS, AUTH, MAIL/RCPT/DATA) instead of a mock, so protocol details such as
reply parsing and reconnects are exercised for real. The handler can be
scripted per DATA command to produce temporary/permanent failures, dropped
connections, a server that stops listening, or a server that hangs.
"""

from __future__ import annotations

import asyncio
import email
import email.message
import email.policy
import shutil
import socket
import ssl
import subprocess
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthenticatorType, AuthResult, Envelope, LoginPassword, Session

# Script entries besides SMTP replies such as "451 4.3.0 Try again later".
DROP = "drop"  # close this connection without a reply
SHUTDOWN = "shutdown"  # stop listening, then close this connection
STALL = "stall"  # never answer (until the server stops)
OK = "250 2.0.0 OK queued"


@dataclass(frozen=True)
class Received:
    """One accepted mail as the server saw it."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes
    peer: Any
    tls: bool
    login: bytes | None

    @cached_property
    def message(self) -> email.message.EmailMessage:
        """The parsed message, with wire line endings (CRLF) turned into newlines: parsed once,
        because the tests look at every received mail again after each step (parsing them anew
        was a third of some modules' time)."""
        parsed = email.message_from_bytes(self.content.replace(b"\r\n", b"\n"), policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        return parsed


class ScriptedHandler:
    """Records accepted mails and answers DATA from a script, then with 250.

    ``data_replies`` is consumed one entry per DATA command; ``refuse`` maps a
    recipient address to the reply given to its RCPT command.
    """

    def __init__(self, data_replies: Iterable[str] = (), refuse: Mapping[str, str] | None = None) -> None:
        self.received: list[Received] = []
        self.arrived = threading.Condition()
        """Notified whenever a mail is accepted, so tests wait for mail instead of polling."""
        self._script = deque(data_replies)
        self._refuse = dict(refuse or {})
        self.controller: Controller | None = None

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self._refuse:
            return self._refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        reply = self._script.popleft() if self._script else OK
        if reply == STALL:
            await asyncio.Event().wait()
        if reply == SHUTDOWN:
            assert self.controller is not None and self.controller.server is not None
            self.controller.server.close()
        if reply in (DROP, SHUTDOWN):
            assert isinstance(server.transport, asyncio.Transport)
            server.transport.abort()
            return "421 4.3.0 connection dropped"  # never reaches the client
        if reply.startswith("250"):
            assert envelope.mail_from is not None and isinstance(envelope.content, bytes)
            login = session.auth_data.login if isinstance(session.auth_data, LoginPassword) else None
            self.received.append(
                Received(
                    mail_from=envelope.mail_from,
                    rcpt_tos=tuple(envelope.rcpt_tos),
                    content=envelope.content,
                    peer=session.peer,
                    tls=server.transport is not None and server.transport.get_extra_info("ssl_object") is not None,
                    login=login,
                )
            )
            with self.arrived:
                self.arrived.notify_all()
        return reply

    def wait_for_mail(self, count: int, timeout: float) -> bool:
        """Block until ``count`` mails have arrived (True) or ``timeout`` seconds pass (False)."""
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.received) >= count, timeout)


@dataclass(frozen=True)
class TlsFiles:
    """A self-signed certificate for 127.0.0.1 and localhost."""

    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts exactly this certificate."""
        return ssl.create_default_context(cafile=str(self.cert))


def make_self_signed_cert(directory: Path) -> TlsFiles:
    """Generate the certificate with ``cryptography`` if installed, else the openssl CLI."""
    files = TlsFiles(cert=directory / "cert.pem", key=directory / "key.pem")
    try:
        import cryptography  # noqa: F401
    except ImportError:
        _openssl_cert(files)
    else:
        _cryptography_cert(files)
    return files


def _openssl_cert(files: TlsFiles) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("TLS tests need either the 'cryptography' package or the openssl CLI")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(files.key), "-out", str(files.cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip


def _cryptography_cert(files: TlsFiles) -> None:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def password_authenticator(username: str, password: str) -> AuthenticatorType:
    """An aiosmtpd authenticator accepting exactly one LOGIN/PLAIN credential pair."""

    def authenticate(server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data == (username.encode(), password.encode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    return authenticate


@contextmanager
def running_server(
    handler: ScriptedHandler,
    *,
    tls: TlsFiles | None = None,
    implicit_tls: bool = False,
    credentials: tuple[str, str] | None = None,
) -> Iterator[int]:
    """Run ``handler`` on 127.0.0.1 at a free port; yields the port.

    With ``tls`` the server requires STARTTLS (or, with ``implicit_tls``, speaks
    TLS from the first byte); with ``credentials`` it requires AUTH.
    """
    options: dict[str, Any] = {}
    if tls is not None and implicit_tls:
        options["ssl_context"] = tls.server_context()
    elif tls is not None:
        options.update(tls_context=tls.server_context(), require_starttls=True)
    if credentials is not None:
        options.update(authenticator=password_authenticator(*credentials), auth_required=True)
    controller = _start(handler, options)
    try:
        yield controller.port
    finally:
        controller.stop()


def _start(handler: ScriptedHandler, options: dict[str, Any]) -> Controller:
    # Controller cannot listen on port 0 (it connects to self.port to check that
    # it is up), so pick a free port and retry if another process grabs it first.
    for _ in range(4):
        try:
            return _started_controller(handler, options)
        except OSError:
            continue
    return _started_controller(handler, options)


def _started_controller(handler: ScriptedHandler, options: dict[str, Any]) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), server_hostname="localhost", **options)
    handler.controller = controller
    controller.start()
    return controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def dead_port() -> Iterator[int]:
    """A port on 127.0.0.1 where nothing listens; held bound so nobody else takes it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])
