"""Security headers on every response, with a fresh CSP nonce per request."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

_API_DOCS = "/api/v1/docs"


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        nonce = secrets.token_urlsafe(16)
        request.state.csp_nonce = nonce
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = _policy(nonce, docs=request.url.path == _API_DOCS)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        return response


def _policy(nonce: str, *, docs: bool) -> str:
    if docs:  # the interactive API docs load Swagger UI from its CDN
        cdn = "https://cdn.jsdelivr.net"
        return f"default-src 'self'; script-src 'self' 'nonce-{nonce}' {cdn}; style-src 'self' {cdn}; img-src 'self' data: https://fastapi.tiangolo.com"
    return (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
