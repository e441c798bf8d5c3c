"""Errors of the catalog domain."""

from __future__ import annotations

from nara.kernel.errors import InvalidInputError, NotFoundError


class ServiceNotFound(NotFoundError):
    code = "catalog.service_not_found"
    title = "찾으시는 서비스가 없습니다."


class AgencyNotFound(NotFoundError):
    code = "catalog.agency_not_found"
    title = "찾으시는 기관이 없습니다."


class LifeEventNotFound(NotFoundError):
    code = "catalog.life_event_not_found"
    title = "찾으시는 생애사건이 없습니다."


class CatalogFileInvalid(InvalidInputError):
    code = "catalog.file_invalid"
    title = "카탈로그 파일을 읽을 수 없습니다."
