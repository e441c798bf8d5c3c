"""제출 서류 on the web: the citizen uploads a document for their application (a page form that works
without JavaScript, and ``POST /api/v1/me/applications/{id}/documents``); an official of the deciding
office downloads it (logged with the application, served as an attachment).

A body larger than a file may be is refused from its Content-Length before a byte of it is read (for the
page, that check runs before the access check, which reads the form for its CSRF token); the file itself
is read in chunks by the domain. Anything wrong with a file re-shows the application page with a Korean
message, or is a problem+json under /api.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from nara import apply, identity
from nara.kernel.db import transaction
from nara.kernel.errors import NaraError
from nara.web.access import allow, form_page
from nara.web.api import PROBLEM_RESPONSES
from nara.web.apply_office import office_checked, official_of
from nara.web.deps import app_state

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["apply"], responses=PROBLEM_RESPONSES)
Citizen = Annotated[identity.Principal, allow("citizen", purpose="apply")]
Official = Annotated[identity.Principal, allow("official", purpose="benefit_determination")]
Uploader = Annotated[
    identity.Principal, allow("citizen", purpose="application_documents", scopes=("mydata",), csrf=False)
]
ApplicationId = Annotated[str, Path(max_length=40, pattern=r"^A-[0-9a-f]+$", description="신청 번호 (A-…)")]
DocumentId = Annotated[str, Path(max_length=40, pattern=r"^D-[0-9a-f]+$", description="서류 번호 (D-…)")]
_OVERHEAD = 64 * 1024  # the form's other fields and the multipart headers around the file
_REFUSED = (apply.DocumentRejected, apply.DocumentTooLarge, apply.DocumentsClosed)
_PROBLEM = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["document", "file"],
                    "properties": {
                        "document": {
                            "type": "string",
                            "maxLength": 200,
                            "description": "어떤 서류인지: 신청의 documents_needed 가운데 하나 (보완요청 중에는 '보완 서류'도)",
                        },
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "PDF, JPEG, PNG 파일 (10MB 이하; 파일의 첫 바이트로 확인)",
                        },
                    },
                }
            }
        },
    }
}


class DocumentPublic(BaseModel):
    id: str
    document: str = Field(description="어떤 서류인지 (신청서의 서류 이름)")
    file_name: str = Field(description="올린 파일 이름 (안전하게 고친 것)")
    content_type: str = Field(description="application/pdf | image/jpeg | image/png (파일 내용으로 확인)")
    size: int = Field(description="바이트")
    sha256: str
    uploaded_at: datetime


def document_public(upload: apply.Upload) -> DocumentPublic:
    return DocumentPublic(
        id=upload.id, document=upload.label, file_name=upload.file_name, content_type=upload.content_type,
        size=upload.size, sha256=upload.sha256, uploaded_at=upload.uploaded_at,
    )  # fmt: skip


def length_checked(request: Request) -> None:
    """Refuse an upload that cannot fit before reading it: by its Content-Length, which must be given
    when the body comes in chunks."""
    length = request.headers.get("content-length", "")
    if not length:
        if "transfer-encoding" in request.headers:
            raise apply.LengthRequired(
                "파일 크기를 알 수 없는 요청입니다. Content-Length를 붙여 다시 보내 주세요."
            )
        return
    if not length.isdigit() or int(length) > apply.MAX_BYTES + _OVERHEAD:
        raise apply.DocumentTooLarge(
            "파일이 10MB를 넘습니다. 이전 화면으로 돌아가 10MB 이하의 파일을 골라 주세요. 종이 서류는 "
            "해상도를 낮춰 스캔하거나 여러 파일로 나누어 올릴 수 있어요.", limit=apply.MAX_BYTES,
        )  # fmt: skip


async def _parts(request: Request) -> tuple[str, UploadFile]:
    """The form's ``document`` and ``file``; a form that cannot be read is the citizen's error, not ours."""
    try:
        form = await request.form()
    except (HTTPException, ValueError, KeyError) as error:
        raise apply.DocumentRejected(
            "보낸 양식을 읽지 못했습니다. 파일을 다시 골라 올려 주세요.", reason="file", field="file"
        ) from error
    label, file = form.get("document"), form.get("file")
    if not isinstance(file, UploadFile) or (not file.filename and not file.size):
        raise apply.DocumentRejected("올릴 파일을 골라 주세요.", reason="file", field="file")
    if not isinstance(label, str) or not label.strip():
        raise apply.DocumentRejected("어떤 서류인지 골라 주세요.", reason="label", field="document")
    return label.strip()[:200], file


def _store(request: Request, person: str, application_id: str, label: str, file: UploadFile) -> apply.Upload:
    with transaction(app_state(request).sessions) as session:
        return apply.upload_document(session, person, application_id, label, file.filename or "", file.file)


async def _upload(request: Request, person: str, application_id: str) -> apply.Upload:
    label, file = await _parts(request)
    try:
        return await run_in_threadpool(_store, request, person, application_id, label, file)
    finally:
        await file.close()


def _person(principal: identity.Principal) -> str:
    assert principal.person_id is not None  # every citizen account is tied to a resident
    return principal.person_id


@router.post("/me/applications/{application_id}/documents", dependencies=[Depends(length_checked)])
async def upload_page(request: Request, application_id: ApplicationId, principal: Citizen) -> Response:
    person = _person(principal)
    try:
        await _upload(request, person, application_id)
    except _REFUSED as error:
        return await run_in_threadpool(application_page, request, person, application_id, error)
    return RedirectResponse(f"/me/applications/{application_id}?done=document", status_code=303)


def application_page(
    request: Request, person: str, application_id: str, error: NaraError | None = None
) -> HTMLResponse:
    """The citizen's application page with its documents, re-shown with ``error`` when an upload failed."""
    with app_state(request).sessions() as session:
        found = apply.application_of(session, person, application_id)
        documents = apply.documents_of(session, person, application_id)
    status = error.status if error else 200
    return form_page(request, "apply_application.html", status_code=status, application=found,
                     documents=documents,
        supplement_label=apply.SUPPLEMENT, error=error, done=request.query_params.get("done"))  # fmt: skip


@router.get("/office/applications/{application_id}/documents/{document_id}")
def download(
    request: Request, application_id: ApplicationId, document_id: DocumentId, principal: Official
) -> Response:
    office_checked(request, principal, application_id)
    with transaction(app_state(request).sessions) as session:  # the access-log record commits first
        found = apply.download_document(session, application_id, document_id, official_of(principal))
    return Response(
        found.content, media_type=found.upload.content_type,
        headers={"Content-Disposition": found.content_disposition},  # nosniff: on every response (security.py)
    )  # fmt: skip


@api.post(
    "/me/applications/{application_id}/documents",
    status_code=201,
    summary="내 신청에 서류 올리기",
    description="multipart/form-data로 `document` (서류 이름)와 `file` (PDF, JPEG, PNG, 10MB 이하)을 보냅니다. "
    "결정된 신청에는 올릴 수 없습니다 (409).",
    responses={
        409: {"description": "이미 결정된 신청", **_PROBLEM},
        411: {"description": "크기를 알 수 없는 요청", **_PROBLEM},
        413: {"description": "10MB를 넘는 파일", **_PROBLEM},
    },
    openapi_extra=_UPLOAD_BODY,
)
async def upload_api(request: Request, application_id: ApplicationId, principal: Uploader) -> DocumentPublic:
    length_checked(request)  # after the token (401 first), before the body is read
    return document_public(await _upload(request, principal.person_id or "", application_id))
