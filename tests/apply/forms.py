"""Submitting a page's form the way a browser would: hidden and typed values, checked boxes and radios."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response


class _Form(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.found = action, False, False
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = attr.get("action") == self.action
            self.found = self.found or self.inside
        elif self.inside and tag == "input" and attr.get("name"):
            kind = attr.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attr:
                return
            self.values[attr["name"]] = attr.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def form_values(html: str, action: str) -> dict[str, str]:
    parser = _Form(action)
    parser.feed(html)
    assert parser.found, f"no form posting to {action}"
    return parser.values


def submit(client: TestClient, page: Response, action: str, **changes: Any) -> Response:
    """Post the form at ``action`` on ``page`` with ``changes`` (None removes a field)."""
    values = form_values(page.text, action) | changes
    data = {k: v for k, v in values.items() if v is not None}
    response: Response = client.post(action, data=data, follow_redirects=True)
    return response
