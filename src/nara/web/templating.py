"""Jinja2 pages built from one small component library (templates/components.html)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from nara.catalog.taxonomy import (
    LIFE_EVENT_LABELS,
    AgencyType,
    BenefitForm,
    LifeEvent,
    ServiceField,
    UserType,
)
from nara.notices import korean_time

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.globals.update(
    fields=list(ServiceField),
    agency_types=list(AgencyType),
    user_types=list(UserType),
    benefit_forms=list(BenefitForm),
    life_events=list(LifeEvent),
    life_event_labels={e.value: label for e, label in LIFE_EVENT_LABELS.items()},
    life_event_options=[(e.value, label) for e, label in LIFE_EVENT_LABELS.items()],
    korean_time=korean_time,  # a UTC moment as Korean local time
)
TEMPLATES.env.filters["zip_self"] = lambda values: [(v, v) for v in values]


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """A page, with the request's CSP nonce available to its scripts."""
    nonce = getattr(request.state, "csp_nonce", "")
    return TEMPLATES.TemplateResponse(
        request, template, {"csp_nonce": nonce, **context}, status_code=status_code
    )
