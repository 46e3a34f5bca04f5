"""Shared pytest fixtures for zyklus."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from smtp_server import ScriptedHandler, TlsFiles, dead_port, make_self_signed_cert, running_server

# SMTP server fixtures ------------------------------------------------------
# Real aiosmtpd servers on 127.0.0.1; see tests/smtp_server.py for scripting.

StartSmtpServer = Callable[..., int]


@pytest.fixture
def start_smtp_server() -> Iterator[StartSmtpServer]:
    """Start servers on demand: ``start_smtp_server(handler, tls=..., credentials=...)`` returns the port."""
    with ExitStack() as stack:
        yield lambda handler, **options: stack.enter_context(running_server(handler, **options))


@pytest.fixture
def smtp_handler() -> ScriptedHandler:
    return ScriptedHandler()


@pytest.fixture
def smtp_port(start_smtp_server: StartSmtpServer, smtp_handler: ScriptedHandler) -> int:
    """A plain SMTP server (no TLS, no AUTH) recording into ``smtp_handler``."""
    return start_smtp_server(smtp_handler)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_self_signed_cert(Path(tmp_path_factory.mktemp("tls")))


@pytest.fixture
def unused_smtp_port() -> Iterator[int]:
    """A port where no server listens, for the "server down" case."""
    with dead_port() as port:
        yield port
