"""Security headers on every response, with a fresh CSP nonce per request (a plain ASGI middleware)."""

from __future__ import annotations

import secrets

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_API_DOCS = "/api/v1/docs"
_STATIC_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),  # browsers heed it on https only
    (b"cross-origin-opener-policy", b"same-origin"),
]
# Pages and answers about a person are never kept by the browser or a shared cache.
_PRIVATE_PATHS = (
    "/me",
    "/office",
    "/oauth/",
    "/login",
    "/enrol",
    "/api/v1/me",
    "/api/v1/eligibility/me",
    "/auth/",
)


def install(app: FastAPI) -> None:
    app.add_middleware(SecurityHeaders)


class SecurityHeaders:
    """Adds the Content-Security-Policy (nonce in ``scope["state"]["csp_nonce"]``) and other headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        policy = _policy(nonce, docs=scope["path"] == _API_DOCS).encode()
        private = [(b"cache-control", b"no-store")] if scope["path"].startswith(_PRIVATE_PATHS) else []

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"content-security-policy", policy),
                    *_STATIC_HEADERS,
                    *private,
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _policy(nonce: str, *, docs: bool) -> str:
    if docs:  # the interactive API docs load Swagger UI from its CDN
        cdn = "https://cdn.jsdelivr.net"
        return (
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}' {cdn}; style-src 'self' {cdn}; "
            "img-src 'self' data: https://fastapi.tiangolo.com"
        )
    return (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
