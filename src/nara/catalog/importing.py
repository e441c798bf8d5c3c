"""Loading the catalog: the curated seed that ships with Nara, and the national catalog's dumps."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError
from sqlalchemy.orm import Session

from nara.catalog import gov24
from nara.catalog.errors import CatalogFileInvalid
from nara.catalog.schemas import ImportReport, RejectedRow, ServiceCreate, ServiceOrigin
from nara.catalog.services import Progress, do_upsert_services


def curated_services() -> list[ServiceCreate]:
    """The curated services shipped in ``nara/catalog/seed/services/*.yaml``, validated."""
    folder = resources.files("nara.catalog").joinpath("seed", "services")
    services: list[ServiceCreate] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        for position, item in enumerate(yaml.safe_load(entry.read_text("utf-8")) or []):
            try:
                services.append(ServiceCreate.model_validate(item))
            except ValidationError as error:
                raise CatalogFileInvalid(
                    f"{entry.name}의 {position + 1}번째 서비스가 올바르지 않습니다: {error}"
                ) from error
    return services


def do_seed_catalog(session: Session) -> ImportReport:
    """Write the curated catalog (idempotent: a second run changes nothing)."""
    return do_upsert_services(session, curated_services(), origin=ServiceOrigin.CURATED)


def do_import_gov24(
    session: Session, paths: Sequence[Path], progress: Progress | None = None
) -> ImportReport:
    """Import national catalog files; every bad row is reported with its reason and skipped."""
    started = time.perf_counter()
    try:
        rows = gov24.read_rows(paths)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CatalogFileInvalid(f"파일을 JSON으로 읽지 못했습니다: {error}") from error
    accepted: list[ServiceCreate] = []
    rejected: list[RejectedRow] = []
    for position, row in enumerate(rows, start=1):
        try:
            accepted.append(gov24.to_service(row))
        except gov24.RowRejected as error:
            service_id = row.get("id")
            rejected.append(
                RejectedRow(
                    position=position, service_id=str(service_id) if service_id else None, reason=str(error)
                )
            )
    report = do_upsert_services(session, accepted, origin=ServiceOrigin.GOV24, progress=progress)
    report.received = len(rows)
    report.rejected = rejected
    report.seconds = round(time.perf_counter() - started, 2)
    return report
