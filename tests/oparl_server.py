"""An OParl 1.1 server on 127.0.0.1 for the tests, serving tests/fixtures/oparl/*.json.

Lists are paged (``page_size`` objects, ``links.next``) and honour ``modified_since`` as the spec
says (objects modified at or after it, deleted ones included only then). ``quirks`` switch on what
real servers do (oparl/quirks.py names them): ``empty_404`` / ``empty_bare`` (an empty
``modified_since`` list as 404 or ``[]``), ``refuse_encoded`` (404 for a percent-encoded
``modified_since``), ``flaky`` (the first request of every path answers 500), ``cc_egov``
(``+01::00`` offsets and raw control characters in strings). Some paths are bad on purpose:
``/html``, ``/not-oparl``, ``/huge``, ``/loop``, ``/always-500``.

Tests change the data between syncs through :meth:`OParlServer.change` and :meth:`delete`.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "oparl"
LISTS = ("organization", "meeting", "paper")


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class OParlServer:
    def __init__(self, *, page_size: int = 2, quirks: set[str] | None = None) -> None:
        self.page_size = page_size
        self.quirks = set(quirks or ())
        self.requests: list[str] = []
        self._seen: Counter[str] = Counter()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._http.server_address[1]}"
        self.objects: dict[str, list[dict[str, Any]]] = {name: self._load(f"{name}.json") for name in LISTS}
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.05,), daemon=True)  # quick shutdown

    def _load(self, name: str) -> Any:
        return json.loads((FIXTURES / name).read_text(encoding="utf-8").replace("{base}", self.base))

    @property
    def system_url(self) -> str:
        return f"{self.base}/oparl/v1/system"

    def __enter__(self) -> "OParlServer":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._http.shutdown()
        self._http.server_close()

    # -- what a test changes ------------------------------------------------------------------
    def find(self, oparl_id: str) -> dict[str, Any]:
        """The object (top level or embedded) with this id, to change in place."""
        def walk(value: Any) -> Any:
            if isinstance(value, dict):
                if value.get("id") == oparl_id:
                    return value
                value = list(value.values())
            if isinstance(value, list):
                for item in value:
                    found = walk(item)
                    if found is not None:
                        return found
            return None

        found = walk(self.objects)
        assert found is not None, oparl_id
        return found

    def change(self, oparl_id: str, modified: str, top: str, **fields: Any) -> None:
        """Change an object and mark it and its top-level list object ``top`` as modified."""
        self.find(oparl_id).update(fields, modified=modified)
        self.find(top)["modified"] = modified

    def delete(self, oparl_id: str, modified: str) -> None:
        """Replace a top-level object by its tombstone (``deleted: true``), as the spec says."""
        for items in self.objects.values():
            for index, item in enumerate(items):
                if item["id"] == oparl_id:
                    items[index] = {"id": oparl_id, "type": item["type"], "deleted": True, "modified": modified}
                    return
        raise AssertionError(oparl_id)

    # -- serving ------------------------------------------------------------------------------
    def _answer(self, path: str, raw_query: str) -> tuple[int, str, bytes, dict[str, str]]:
        self.requests.append(f"{path}?{raw_query}" if raw_query else path)
        self._seen[path] += 1
        if "flaky" in self.quirks and self._seen[path] == 1 or path == "/always-500":
            return 500, "text/plain", b"Internal Server Error", {}
        if path == "/html":
            return 200, "text/html; charset=utf-8", b"<!doctype html><title>Ratsinfo</title><p>Willkommen</p>", {}
        if path == "/not-oparl":
            return 200, "application/json", b'{"hello": "world", "type": "Greeting"}', {}
        if path == "/huge":
            return 200, "application/json", b'{"data": [' + b'"x",' * 300_000 + b'"x"]}', {}
        if path in ("/loop", "/loop2"):
            return 302, "text/plain", b"", {"Location": "/loop2" if path == "/loop" else "/loop"}
        if path == "/oparl/v1/system":
            return self._json(self._load("system.json"))
        if path == "/oparl/v1/bodies":
            return self._json({"data": [self._load("body.json")], "links": {}, "pagination": {"totalElements": 1}})
        if path == "/oparl/v1/body/1":
            return self._json(self._load("body.json"))
        name = path.rsplit("/", 1)[-1]
        if path.startswith("/oparl/v1/body/1/") and name in self.objects:
            return self._list(path, name, raw_query)
        return 404, "text/plain", b"not found", {}

    def _list(self, path: str, name: str, raw_query: str) -> tuple[int, str, bytes, dict[str, str]]:
        raw = dict(part.split("=", 1) for part in raw_query.split("&") if "=" in part)
        since_text = raw.get("modified_since")
        if since_text is not None and "%" in since_text and "refuse_encoded" in self.quirks:
            return 404, "text/plain", b"not found", {}
        query = parse_qs(raw_query)
        items = copy.deepcopy(self.objects[name])
        if since_text is not None:
            since = _moment(query["modified_since"][0] if "%" in since_text else since_text)
            items = [item for item in items if _moment(item["modified"]) >= since]
        else:
            items = [item for item in items if not item.get("deleted")]
        if since_text is not None and not items:
            if "empty_404" in self.quirks:
                return 404, "text/plain", b"Not Found", {}
            if "empty_bare" in self.quirks:
                return self._json([])
        page = int(query.get("page", ["1"])[0])
        chunk = items[(page - 1) * self.page_size: page * self.page_size]
        links: dict[str, str] = {}
        if page * self.page_size < len(items):
            links["next"] = f"{self.base}{path}?{'modified_since=' + since_text + '&' if since_text else ''}page={page + 1}"
        return self._json({"data": chunk, "pagination": {"totalElements": len(items), "currentPage": page},
                           "links": links})

    def _json(self, document: Any) -> tuple[int, str, bytes, dict[str, str]]:
        text = json.dumps(document, ensure_ascii=False, indent=1)
        if "cc_egov" in self.quirks:
            text = text.replace('+02:00"', '+02::00"').replace('+01:00"', '+01::00"').replace("\\t", "\t")
        return 200, "application/json; charset=utf-8", text.encode("utf-8"), {}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                status, kind, body, headers = server._answer(parts.path, parts.query)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        return Handler
