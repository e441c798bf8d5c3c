"""Errors to HTTP, once: problem+json under /api, a plain Korean page elsewhere, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from nara.kernel.errors import InvalidInputError, NaraError, NotFoundError
from nara.web.access import log_object_refusal
from nara.web.templating import render

logger = logging.getLogger("nara.web")
PROBLEM_JSON = "application/problem+json"


class PageNotFound(NotFoundError):
    code = "web.not_found"
    title = "페이지를 찾을 수 없습니다."


class MethodNotAllowed(NaraError):
    code = "web.method_not_allowed"
    status = 405
    title = "이 주소에서는 그 요청을 처리할 수 없습니다."


class InternalError(NaraError):
    code = "web.internal_error"
    status = 500
    title = "잠시 문제가 생겼습니다."


def install(app: FastAPI) -> None:
    app.add_exception_handler(NaraError, _on_nara_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)


def respond(request: Request, error: NaraError) -> Response:
    """The response for ``error``: problem+json for API callers, a Korean page for people (and, when a
    page needs sign-in, the way to sign in and come back)."""
    path = request.url.path
    if path.startswith(("/api/", "/oauth/")):
        headers = {"WWW-Authenticate": _bearer_challenge(error)} if error.status == 401 else None
        return JSONResponse(
            error.problem(instance=path), status_code=error.status, media_type=PROBLEM_JSON, headers=headers
        )
    if error.status == 401 and request.method == "GET":
        start = "/office/sign-in" if path.startswith("/office") else "/sign-in"
        return RedirectResponse(f"{start}?{urlencode({'next': path})}", status_code=303)
    return render(request, "error.html", {"error": error}, status_code=error.status)


def _bearer_challenge(error: NaraError) -> str:
    """RFC 6750 §3: which error made a bearer request fail."""
    kind = "invalid_token" if error.code == "invalid_token" else "invalid_request"
    return f'Bearer realm="nara", error="{kind}"'


async def _on_nara_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, NaraError)
    log_object_refusal(request, error)
    return respond(request, error)


async def _on_validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems: list[dict[str, Any]] = [
        {"location": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in error.errors()
    ]
    return respond(
        request,
        InvalidInputError(
            "요청 값 중 올바르지 않은 것이 있습니다. 아래 항목을 고쳐 다시 보내 주세요.", errors=problems
        ),
    )


async def _on_http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 404:
        return respond(
            request, PageNotFound("주소가 바뀌었거나 없는 페이지입니다. 처음 화면에서 다시 찾아 보세요.")
        )
    if error.status_code == 405:
        return respond(request, MethodNotAllowed())
    generic = NaraError(str(error.detail))
    generic.status = error.status_code
    return respond(request, generic)


async def _on_unexpected(request: Request, error: Exception) -> Response:
    logger.exception("unexpected error on %s", request.url.path, exc_info=error)
    return respond(
        request, InternalError("잠시 후 다시 시도해 주세요. 문제가 계속되면 국번 없이 110으로 문의해 주세요.")
    )
