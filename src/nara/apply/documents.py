"""제출 서류: the documents a citizen uploads for an application after 접수 (or when a 보완요청 asks for one),
and an official of the deciding office downloading one — each download an access-log record tied to the
application, exactly like opening it.

What is still needed is computed, never stored twice: the documents the application declared when it was
submitted (``ApplicationRow.documents``, kept as it was) minus the ones uploaded since. ``clear_case`` is
kept as it was too: an uploaded document is something an official must look at, so an application that
needed one is never approved in bulk.

A file is accepted by its first bytes (PDF, JPEG or PNG), never by its name or the browser's content type;
it is read in chunks and refused past :data:`MAX_BYTES`; its name is made safe to show. An upload counts as
a change to the application (``version`` + 1): a decision taken on a screen opened before it is a conflict.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO
from urllib.parse import quote

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from nara import audit
from nara.apply.errors import ApplicationNotFound, DocumentRejected, DocumentsClosed, DocumentTooLarge
from nara.apply.models import ApplicationRow, DocumentRow, EventRow
from nara.apply.office import REVIEW_ROLES, Official, access_event, application_for
from nara.apply.statuses import OPEN
from nara.apply.statuses import label as status_label
from nara.kernel.clock import utcnow

MAX_BYTES = 10 * 1024 * 1024  # 10 MB per file
MAX_FILES = 20  # per application
SUPPLEMENT = "보완 서류"  # what a 보완요청 asks for, when it is not one of the listed documents
TYPES = {
    "application/pdf": ("PDF", "pdf"),
    "image/jpeg": ("JPEG 사진", "jpg"),
    "image/png": ("PNG 그림", "png"),
}
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
_CHUNK = 64 * 1024
_NAME_LENGTH = 100
_OWN_EXTENSIONS = {"pdf", "jpg", "jpeg", "jpe", "png"}


@dataclass(frozen=True)
class Upload:
    """One uploaded file as its readers see it (never its bytes)."""

    id: str
    application_id: str
    label: str
    file_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str

    @property
    def kind(self) -> str:
        return TYPES[self.content_type][0]

    @property
    def size_label(self) -> str:
        return size_label(self.size)


@dataclass(frozen=True)
class Documents:
    """An application's documents: declared at submission, uploaded since, and what is still missing."""

    application_id: str
    status: str
    declared: tuple[str, ...]
    uploads: tuple[Upload, ...]
    supplement_requested_at: datetime | None = None  # the last 보완요청, while it is open

    @property
    def missing(self) -> tuple[str, ...]:
        """Declared documents with no file yet: what the application still lists as to hand in."""
        handed = {u.label for u in self.uploads}
        return tuple(label for label in self.declared if label not in handed)

    @property
    def open(self) -> bool:
        """Documents can still be handed in (not decided yet)."""
        return self.status in OPEN

    @property
    def labels(self) -> tuple[str, ...]:
        """What may be uploaded now: the declared documents, and a 보완 서류 while a 보완요청 is open."""
        if not self.open:
            return ()
        extra = (
            (SUPPLEMENT,) if self.status == "supplement_requested" and SUPPLEMENT not in self.declared else ()
        )
        return (*self.declared, *extra)

    @property
    def to_hand_in(self) -> tuple[str, ...]:
        """What the page offers a file input for: each missing document, and a 보완 서류 while asked."""
        handed = {u.label for u in self.uploads}
        return tuple(label for label in self.labels if label not in handed or label == SUPPLEMENT)

    @property
    def handed_in(self) -> tuple[str, ...]:
        """Documents with a file already that may take another (a second page, a clearer copy)."""
        handed = {u.label for u in self.uploads}
        return tuple(label for label in self.labels if label in handed and label != SUPPLEMENT)

    @property
    def since_supplement_request(self) -> tuple[Upload, ...]:
        """Files uploaded since the open 보완요청: the 보완제출 can go with them and no note."""
        moment = self.supplement_requested_at
        return tuple(u for u in self.uploads if moment is not None and u.uploaded_at >= moment)


@dataclass(frozen=True)
class DocumentFile:
    """A file to hand to an official: its record, its bytes and a safe name to save it under."""

    upload: Upload
    content: bytes

    @property
    def download_name(self) -> str:
        return download_name(self.upload.file_name, self.upload.content_type)

    @property
    def content_disposition(self) -> str:
        """``attachment`` with an ASCII fallback name and the real one in RFC 8187 form."""
        name, extension = self.download_name, TYPES[self.upload.content_type][1]
        stem = name.removesuffix(f".{extension}").encode("ascii", "ignore").decode()
        fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-") or "document"
        return f"attachment; filename=\"{fallback}.{extension}\"; filename*=UTF-8''{quote(name, safe='')}"


def documents_of(session: Session, person_id: str, application_id: str) -> Documents:
    """The citizen's own application's documents; anyone else's is not found."""
    row = session.get(ApplicationRow, application_id)
    if row is None or row.person_id != person_id:
        raise ApplicationNotFound("신청을 찾을 수 없습니다. 접수번호를 확인해 주세요.")
    return _documents(session, row)


def documents_for_office(session: Session, application_id: str, official: Official) -> Documents:
    """The documents of an application this official may open (the same rule as opening it)."""
    return _documents(session, application_for(session, application_id, official, REVIEW_ROLES))


def upload_document(
    session: Session, person_id: str, application_id: str, label: str, file_name: str, stream: BinaryIO
) -> Upload:
    """Keep one file the citizen hands in for ``label``, in the caller's transaction.

    Refused (nothing kept) when the application is not theirs, already decided, does not ask for
    ``label``, has :data:`MAX_FILES` files, or the file is empty, over :data:`MAX_BYTES` or not a PDF,
    JPEG or PNG by its first bytes."""
    row = session.get(ApplicationRow, application_id, populate_existing=True)
    if row is None or row.person_id != person_id:
        raise ApplicationNotFound("신청을 찾을 수 없습니다. 접수번호를 확인해 주세요.")
    current = _documents(session, row)
    if not current.open:
        raise DocumentsClosed(_closed_text(row.status))
    if label not in current.labels:
        raise DocumentRejected(_label_text(current), reason="label", field="document")
    if len(current.uploads) >= MAX_FILES:
        raise DocumentRejected(f"한 신청에는 파일을 {MAX_FILES}개까지 올릴 수 있습니다. 처리기관에 문의해 주세요.",
                               reason="count", field="file")  # fmt: skip
    content = read_limited(stream)
    content_type = sniff(content)
    now = utcnow()
    claimed = session.execute(
        update(ApplicationRow)  # a decision in between wins: then nothing is kept
        .where(ApplicationRow.id == row.id, ApplicationRow.status.in_(OPEN))
        .values(version=ApplicationRow.version + 1, updated_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise DocumentsClosed(_closed_text(_status(session, row.id)))
    document = DocumentRow(
        id=f"D-{uuid.uuid4().hex[:20]}", application_id=row.id, label=label,
        file_name=safe_name(file_name, content_type), content_type=content_type, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), content=content, uploaded_at=now,
        uploaded_by=f"citizen:{person_id}",
    )  # fmt: skip
    session.add(document)
    session.flush()
    return _upload(document)


def download_document(
    session: Session, application_id: str, document_id: str, official: Official
) -> DocumentFile:
    """One file of an application this official may open; the download is an access-log record with the
    application's receipt number, in the caller's transaction (no record, no file)."""
    row = application_for(session, application_id, official, REVIEW_ROLES)
    document = session.get(DocumentRow, document_id)
    if document is None or document.application_id != row.id:
        raise ApplicationNotFound("서류를 찾을 수 없습니다. 신청 화면에서 다시 골라 주세요.")
    read = dataclasses.replace(
        access_event(row, official.actor(row.office)), facts=(f"제출 서류: {document.label}",)
    )
    audit.record_access(session, read)
    return DocumentFile(_upload(document), document.content)


def read_limited(stream: BinaryIO, limit: int = MAX_BYTES) -> bytes:
    """The whole file, read in chunks and given up as soon as it is past ``limit``; an empty one is refused."""
    content = bytearray()
    while chunk := stream.read(_CHUNK):
        content += chunk
        if len(content) > limit:
            raise DocumentTooLarge(f"파일이 {size_label(limit)}를 넘습니다. {size_label(limit)} 이하로 줄이거나 "
                                   "나누어 올려 주세요.", limit=limit)  # fmt: skip
    if not content:
        raise DocumentRejected("빈 파일입니다. 내용이 있는 파일을 골라 주세요.", reason="empty", field="file")
    return bytes(content)


def sniff(content: bytes) -> str:
    """The content type by the file's first bytes: PDF, JPEG or PNG, else refused.

    >>> sniff(b"%PDF-1.7 ...")
    'application/pdf'
    """
    for magic, content_type in _MAGIC:
        if content.startswith(magic):
            return content_type
    raise DocumentRejected(
        "PDF, JPEG(jpg), PNG 파일만 올릴 수 있습니다. 파일 이름만 바꾼 파일은 받지 않습니다. 서류를 스캔하거나 "
        "사진으로 찍어 PDF, JPEG, PNG로 저장한 뒤 다시 올려 주세요.", reason="type", field="file",
    )  # fmt: skip


def safe_name(name: str, content_type: str) -> str:
    """The file's own name, safe to show: no folders, control or direction characters, or characters
    file systems refuse, at most 100 characters (its extension kept).

    >>> safe_name("C:\\\\scans\\\\출생 \\u202egpj.pdf", "application/pdf")
    '출생 gpj.pdf'
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(re.sub(r'[<>:"|?*]', "_", name).split()).strip(" .")
    if len(name) > _NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        keep = f"{dot}{extension}" if dot and len(extension) <= 5 else ""
        name = (stem if keep else name)[: _NAME_LENGTH - len(keep)].rstrip(" .") + keep
    return name or f"서류.{TYPES[content_type][1]}"


def download_name(name: str, content_type: str) -> str:
    """The name to save a file under, with the extension of what it really is.

    >>> download_name("통장 사본.pdf", "image/png")
    '통장 사본.png'
    """
    stem, dot, extension = name.rpartition(".")
    if not dot or extension.lower() not in _OWN_EXTENSIONS:
        stem = name
    return f"{stem}.{TYPES[content_type][1]}"


def size_label(size: int) -> str:
    """A size for people.

    >>> size_label(10 * 1024 * 1024), size_label(1536), size_label(12)
    ('10MB', '1.5KB', '12바이트')
    """
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + unit
    return f"{size}바이트"


def _documents(session: Session, row: ApplicationRow) -> Documents:
    query = (
        select(*(getattr(DocumentRow, c) for c in _COLUMNS))  # never the bytes
        .where(DocumentRow.application_id == row.id)
        .order_by(DocumentRow.uploaded_at, DocumentRow.id)
    )
    uploads = tuple(Upload(**dict(zip(_COLUMNS, values, strict=True))) for values in session.execute(query))
    requested = None
    if row.status == "supplement_requested":
        requested = session.scalar(
            select(func.max(EventRow.at)).where(
                EventRow.application_id == row.id, EventRow.status == "supplement_requested"
            )
        )
    return Documents(row.id, row.status, tuple(row.documents), uploads, requested)


_COLUMNS = tuple(field.name for field in dataclasses.fields(Upload))


def _upload(document: DocumentRow) -> Upload:
    return Upload(**{name: getattr(document, name) for name in _COLUMNS})


def _status(session: Session, application_id: str) -> str:
    return session.scalar(select(ApplicationRow.status).where(ApplicationRow.id == application_id)) or ""


def _closed_text(status: str) -> str:
    return f"이 신청은 이미 '{status_label(status)}' 상태라 서류를 더 낼 수 없습니다. 필요하면 처리기관에 문의해 주세요."


def _label_text(current: Documents) -> str:
    if not current.labels:
        return "이 신청에는 따로 낼 서류가 없습니다."
    return "낼 서류를 골라 주세요: " + ", ".join(current.labels)
