"""A local SMTP server for the delivery benchmark, run as its own process (its own GIL).

It accepts every message, counts messages, recipients and distinct Message-IDs, and answers
the benchmark on stdin/stdout: it prints its port when ready, then for each line ``count``
prints ``messages recipients distinct_ids``; ``reset`` zeroes the counters; EOF stops it.
With ``CERT KEY`` arguments it requires STARTTLS, as a real submission server does.
"""

from __future__ import annotations

import re
import socket
import ssl
import sys

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Counter:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.messages = 0
        self.recipients = 0
        self.ids: set[bytes] = set()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001 (aiosmtpd signature)
        self.messages += 1
        self.recipients += len(envelope.rcpt_tos)
        found = MESSAGE_ID.search(envelope.content)
        if found:
            self.ids.add(found.group(1))
        return "250 OK"


def main() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    counter = Counter()
    tls: dict[str, object] = {}
    if len(sys.argv) == 3:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        tls = {"tls_context": context, "require_starttls": True}
    controller = Controller(counter, hostname="127.0.0.1", port=port, **tls)
    controller.start()
    print(port, flush=True)
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "count":
                print(counter.messages, counter.recipients, len(counter.ids), flush=True)
            elif command == "reset":
                counter.reset()
                print("ok", flush=True)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
