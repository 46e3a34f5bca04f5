"""A small OParl 1.1 client on httpx, defensive because the other end is somebody's council
information system on the open internet.

- every request has a timeout; 5xx answers and connection errors are retried a bounded number of
  times with exponential backoff (Somacos' spurious 500s); 4xx are not retried;
- a response is streamed and dropped once it exceeds ``max_bytes``; redirects are followed up to
  ``max_redirects`` (a loop ends there);
- the answer must say it is JSON and parse as JSON (control characters tolerated, oparl/quirks.py);
- lists are walked through ``links.next``; with ``modified_since`` an empty list answered with
  404 or a bare ``[]`` is an empty list (Sternberg), and the parameter is appended as it is, never
  percent-encoded (Somacos answers 404 for an encoded ``+`` or ``:``).

Every failure is an :class:`OParlError` with a message key and its values, which the door turns
into one line in the caller's language.
"""

from __future__ import annotations

import datetime as dt
import functools
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from oparl import quirks

SCHEMA_PREFIX = "https://schema.oparl.org/1."


class OParlError(Exception):
    """A server or an answer zyklus cannot use; ``key`` is a message key of engine/locale."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(f"{key} {params}")
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Limits:
    timeout_seconds: float = 10.0
    retries: int = 3
    """Attempts after the first one, for 5xx and connection errors."""
    retry_base_seconds: float = 1.0
    """Backoff before retry n: base · 2^(n-1)."""
    max_bytes: int = 20_000_000
    max_redirects: int = 5


def type_of(obj: Any) -> str:
    """``Paper`` for ``https://schema.oparl.org/1.1/Paper``; '' for anything that is not OParl."""
    kind = obj.get("type") if isinstance(obj, dict) else None
    if not isinstance(kind, str) or not kind.startswith(SCHEMA_PREFIX):
        return ""
    return kind.rsplit("/", 1)[-1]


def with_modified_since(url: str, since: dt.datetime) -> str:
    """``url`` with ``modified_since`` appended verbatim (``2027-03-01T10:00:00+01:00``): httpx
    leaves ``+`` and ``:`` of a query as they are, so the server receives exactly this text."""
    stamp = since.replace(microsecond=0).isoformat()
    return f"{url}{'&' if '?' in url else '?'}modified_since={stamp}"


@functools.cache
def _tls() -> ssl.SSLContext:
    """httpx's own choice of trusted certificates (SSL_CERT_FILE, SSL_CERT_DIR, else certifi's),
    loaded once per process: httpx would load them again for every client, a tenth of a second
    or more, and each sync and each new source opens one."""
    return httpx.create_ssl_context()


class OParlClient:
    def __init__(self, limits: Limits = Limits(), *, sleep: Callable[[float], None] = time.sleep,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.limits = limits
        self._sleep = sleep
        self._http = httpx.Client(timeout=limits.timeout_seconds, follow_redirects=True, verify=_tls(),
                                  max_redirects=limits.max_redirects, transport=transport,
                                  headers={"Accept": "application/json", "User-Agent": "zyklus-oparl/1"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "OParlClient":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- one document -------------------------------------------------------------------------
    def get(self, url: str, *, empty_ok: bool = False) -> Any:
        """The JSON document at ``url``; with ``empty_ok`` a 404 is ``None`` (an empty list)."""
        attempt = 0
        while True:
            try:
                return self._get_once(url, empty_ok)
            except _Retry as retry:
                attempt += 1
                if attempt > self.limits.retries:
                    raise retry.error from None
                self._sleep(self.limits.retry_base_seconds * 2 ** (attempt - 1))

    def _get_once(self, url: str, empty_ok: bool) -> Any:
        try:
            with self._http.stream("GET", url) as response:
                if response.status_code >= 500:
                    raise _Retry(OParlError("oparl.server_error", url=url, status=response.status_code))
                if response.status_code == 404 and empty_ok:
                    return None
                if response.status_code >= 400:
                    raise OParlError("oparl.http_error", url=url, status=response.status_code)
                kind = response.headers.get("content-type", "").lower()
                if "json" not in kind:
                    raise OParlError("oparl.not_json", url=url, content_type=kind.split(";")[0] or "-")
                body = self._read(response, url)
        except httpx.TooManyRedirects:
            raise OParlError("oparl.redirects", url=url, limit=self.limits.max_redirects) from None
        except httpx.InvalidURL:
            raise OParlError("oparl.bad_url", url=url) from None
        except httpx.UnsupportedProtocol:
            raise OParlError("oparl.bad_url", url=url) from None
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            raise _Retry(OParlError("oparl.unreachable", url=url, reason=type(exc).__name__)) from None
        try:
            return quirks.loads(body)
        except ValueError:
            raise OParlError("oparl.not_json", url=url, content_type="invalid JSON") from None

    def _read(self, response: httpx.Response, url: str) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.limits.max_bytes:
                raise OParlError("oparl.too_large", url=url, limit=self.limits.max_bytes)
            chunks.append(chunk)
        return b"".join(chunks)

    # -- entry points and lists ---------------------------------------------------------------
    def body(self, url: str, body_id: str | None = None) -> dict[str, Any]:
        """The Body an administrator means: ``url`` is a System (its bodies are listed; one
        is taken when there is one, else ``body_id`` chooses) or a Body itself."""
        document = self.get(url)
        kind = type_of(document)
        if kind == "Body":
            return document  # type: ignore[no-any-return]
        if kind != "System":
            raise OParlError("oparl.not_oparl", url=url)
        bodies = list(self.objects(document.get("body"), "Body")) if isinstance(document.get("body"), str) else []
        if body_id:
            chosen = [b for b in bodies if body_id in (b.get("id"), b.get("shortName"), b.get("name"))]
            if not chosen:
                raise OParlError("oparl.body_unknown", url=url, body=body_id,
                                 known=", ".join(str(b.get("id")) for b in bodies) or "-")
            return chosen[0]
        if len(bodies) != 1:
            raise OParlError("oparl.body_choose", url=url, count=len(bodies),
                             known=", ".join(str(b.get("id")) for b in bodies) or "-")
        return bodies[0]

    def objects(self, url: str | None, expected: str | None = None,
                modified_since: dt.datetime | None = None) -> Iterator[dict[str, Any]]:
        """Every object of the list at ``url``, page after page through ``links.next``.

        With ``modified_since`` an empty result may come as 404 or ``[]``. A page seen twice ends
        the walk (a server whose ``next`` points back)."""
        if not url:
            return
        page: str | None = with_modified_since(url, modified_since) if modified_since else url
        seen: set[str] = set()
        while page and page not in seen:
            seen.add(page)
            document = self.get(page, empty_ok=modified_since is not None)
            if document is None or document == []:
                return
            if isinstance(document, list):  # a bare list of objects
                items, links = document, {}
            elif isinstance(document, dict) and isinstance(document.get("data"), list):
                items, links = document["data"], document.get("links") or {}
            else:
                raise OParlError("oparl.not_list", url=page)
            for item in items:
                if isinstance(item, dict) and (expected is None or type_of(item) == expected):
                    yield item
            following = links.get("next") if isinstance(links, dict) else None
            page = following if isinstance(following, str) and following else None


class _Retry(Exception):
    """A failure worth another attempt; carries the error to raise after the last one."""

    def __init__(self, error: OParlError) -> None:
        super().__init__(error.key)
        self.error = error
