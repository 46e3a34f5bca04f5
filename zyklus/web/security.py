"""Cookies, CSRF and the response headers every page gets.

The session cookie carries a random token, signed (itsdangerous) so a forged or truncated value is
refused before the database is asked; the token's digest is what the database keeps. CSRF uses a
signed double-submit token: the ``zyklus_csrf`` cookie holds a random value and every form
carries that value signed with the server's key, so a page of another site can neither read the
cookie nor forge the signature. Both cookies are HttpOnly and SameSite=Lax, and Secure (with the
``__Host-`` prefix) when the app is served over TLS.
"""

from __future__ import annotations

import hmac
import secrets

from itsdangerous import BadSignature, Signer
from starlette.requests import Request
from starlette.responses import Response

SESSION = "zyklus_session"
CSRF = "zyklus_csrf"

HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class Keys:
    """The server's signing key, from ZYKLUS_SECRET_KEY (never from a file)."""

    def __init__(self, secret: str) -> None:
        self._session = Signer(secret, salt="zyklus.session")
        self._csrf = Signer(secret, salt="zyklus.csrf")

    def sign_session(self, token: str) -> str:
        return self._session.sign(token).decode()

    def session_token(self, cookie: str | None) -> str | None:
        if not cookie or len(cookie) > 200:
            return None
        try:
            return self._session.unsign(cookie).decode()
        except BadSignature:
            return None

    def csrf_for(self, raw: str) -> str:
        return self._csrf.sign(raw).decode()

    def csrf_valid(self, raw: str | None, submitted: str | None) -> bool:
        if not raw or not submitted or len(submitted) > 200:
            return False
        try:
            value = self._csrf.unsign(submitted).decode()
        except BadSignature:
            return False
        return hmac.compare_digest(value, raw)


def is_secure(request: Request) -> bool:
    return request.url.scheme == "https"


def cookie_name(request: Request, name: str) -> str:
    """``__Host-`` cookies are bound to this host and path and are sent over TLS only."""
    return f"__Host-{name}" if is_secure(request) else name


def read_cookie(request: Request, name: str) -> str | None:
    return request.cookies.get(cookie_name(request, name))


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(cookie_name(request, name), value, max_age=max_age, path="/", httponly=True,
                        samesite="lax", secure=is_secure(request))


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(cookie_name(request, name), path="/", httponly=True, samesite="lax",
                           secure=is_secure(request))


def csrf_raw(request: Request) -> str:
    """This browser's CSRF value: from its cookie, or a new one the response will set."""
    raw = read_cookie(request, CSRF)
    if not raw or len(raw) > 100:
        raw = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(24)
        request.state.new_csrf = raw
    return raw
