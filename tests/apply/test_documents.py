"""제출 서류: a citizen uploads the documents their application still needs (page and API), the deciding
office downloads them (each download in the access log with the receipt number), nothing else gets in."""

from __future__ import annotations

import html
import io
import re
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, inspect

from nara import apply, audit, registry
from nara.app import METADATA
from nara.kernel.db import session_factory, transaction
from tests.apply.making import NEW_MOTHER, birth_request, household, official
from tests.identity.journeys import (
    bearer,
    csrf_of,
    make_official,
    office_sign_in,
    signed_in,
    state_of,
    token_for,
)
from tests.web.browsing import SERIOUS, axe_violations, enrolled_cookies

VOUCHER = "135200005015"  # 첫만남이용권: a corrected birth order needs 가족관계증명서
BIRTH_ORDER = apply.Correction("member.birth_order", "둘째", "위로 언니가 있습니다.")
NEEDED = "가족관계증명서 (출생 순위 확인)"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48


def _needing_a_document(
    engine: Engine, exchange: registry.Exchange, person: str = NEW_MOTHER
) -> apply.Application:
    """A fresh 첫만남이용권 application whose birth order the citizen corrected: it needs one document."""
    sessions = session_factory(engine)
    request = birth_request(household(exchange, sessions, person), corrections=(BIRTH_ORDER,))
    with transaction(sessions) as session:
        done = apply.submit(session, request)
    voucher = next(a for a in done.applications if a.service_id == VOUCHER)
    assert voucher.documents == [NEEDED]
    assert not voucher.clear_case
    return voucher


def _upload(engine: Engine, application: apply.Application, content: bytes, name: str = "서류.pdf",
            label: str = NEEDED) -> apply.Upload:  # fmt: skip
    with transaction(session_factory(engine)) as session:
        return apply.upload_document(
            session, application.person_id, application.id, label, name, io.BytesIO(content)
        )


def _post_file(
    client: TestClient, application_id: str, content: bytes, name: str, label: str = NEEDED
) -> Response:
    page = client.get(f"/me/applications/{application_id}")
    assert page.status_code == 200, page.text
    response: Response = client.post(
        f"/me/applications/{application_id}/documents",
        data={"csrf_token": csrf_of(page.text), "document": label},
        files={"file": (name, content, "application/pdf")},
        follow_redirects=True,
    )
    return response


# --- the domain -------------------------------------------------------------------------------------------


def test_an_upload_is_kept_by_its_bytes_and_the_document_is_no_longer_missing(
    engine: Engine, exchange: registry.Exchange
) -> None:
    voucher = _needing_a_document(engine, exchange)
    with session_factory(engine)() as session:
        before = apply.documents_of(session, NEW_MOTHER, voucher.id)
    assert before.missing == (NEEDED,)
    kept = _upload(
        engine, voucher, PNG, name="C:\\스캔\\가족관계\u202egpj.pdf"
    )  # PNG bytes, a .pdf name: fine
    assert kept.content_type == "image/png"
    assert kept.file_name == "가족관계gpj.pdf"  # no folders, no right-to-left override
    assert kept.size == len(PNG)
    assert len(kept.sha256) == 64
    with session_factory(engine)() as session:
        after = apply.documents_of(session, NEW_MOTHER, voucher.id)
        still = apply.application_of(session, NEW_MOTHER, voucher.id)
    assert after.missing == ()
    assert [u.id for u in after.uploads] == [kept.id]
    assert still.documents == [NEEDED]  # what was declared at submission stays on record …
    assert not still.clear_case  # … and a case with a document to look at is never bulk-approved
    assert still.version == voucher.version + 1  # an upload is a change an official must have seen


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (HTML, "가족관계증명서.pdf", "type"),  # HTML named .pdf
        (EXE, "가족관계증명서.pdf", "type"),  # a program named .pdf
        (b"", "빈파일.pdf", "empty"),
    ],
)
def test_files_that_are_not_pdf_jpeg_or_png_are_refused(
    engine: Engine, exchange: registry.Exchange, content: bytes, name: str, reason: str
) -> None:
    voucher = _needing_a_document(engine, exchange)
    with pytest.raises(apply.DocumentRejected) as refused:
        _upload(engine, voucher, content, name=name)
    assert refused.value.fields["reason"] == reason
    with session_factory(engine)() as session:
        assert apply.documents_of(session, NEW_MOTHER, voucher.id).uploads == ()


def test_a_file_over_10_mb_is_refused_while_it_is_read(engine: Engine, exchange: registry.Exchange) -> None:
    voucher = _needing_a_document(engine, exchange)

    class Endless(io.BytesIO):
        """A stream that never ends: only reading in chunks with a limit can refuse it."""

        read_so_far = 0

        def read(self, size: int | None = -1) -> bytes:
            assert size is not None, "the file must be read in chunks"
            assert size > 0, "the file must be read in chunks"
            self.read_so_far += size
            return b"%PDF-" + b"0" * (size - 5)

    stream = Endless()
    with transaction(session_factory(engine)) as session, pytest.raises(apply.DocumentTooLarge):
        apply.upload_document(session, NEW_MOTHER, voucher.id, NEEDED, "큰파일.pdf", stream)
    assert stream.read_so_far <= apply.MAX_BYTES + 128 * 1024


def test_a_label_the_application_does_not_ask_for_is_refused(
    engine: Engine, exchange: registry.Exchange
) -> None:
    voucher = _needing_a_document(engine, exchange)
    with pytest.raises(apply.DocumentRejected, match=re.escape(NEEDED)):
        _upload(engine, voucher, PDF, label="아무 서류")
    with pytest.raises(apply.DocumentRejected):
        _upload(engine, voucher, PDF, label=apply.SUPPLEMENT)  # only while a 보완요청 is open


def test_nothing_can_be_handed_in_once_decided(engine: Engine, exchange: registry.Exchange) -> None:
    voucher = _needing_a_document(engine, exchange)
    with transaction(session_factory(engine)) as session:
        apply.decide(session, voucher.id, official(voucher.office, "decider"), approve=False,
                     reason_code="documents_missing", note="출생 순위를 확인할 서류가 없습니다.")  # fmt: skip
    with pytest.raises(apply.DocumentsClosed, match="반려"):
        _upload(engine, voucher, PDF)


def test_someone_elses_application_is_not_found(engine: Engine, exchange: registry.Exchange) -> None:
    voucher = _needing_a_document(engine, exchange)
    with transaction(session_factory(engine)) as session, pytest.raises(apply.ApplicationNotFound):
        apply.upload_document(session, "SYN35", voucher.id, NEEDED, "a.pdf", io.BytesIO(PDF))


def test_a_supplement_is_answered_with_files_and_no_note(engine: Engine, exchange: registry.Exchange) -> None:
    voucher = _needing_a_document(engine, exchange)
    checker = official(voucher.office, "checker")
    with transaction(session_factory(engine)) as session:
        apply.open_application(session, voucher.id, checker)
        apply.request_supplement(session, voucher.id, checker, "아기 출생증명서도 올려 주세요.")
    with session_factory(engine)() as session:
        asked = apply.documents_of(session, NEW_MOTHER, voucher.id)
    assert apply.SUPPLEMENT in asked.to_hand_in
    _upload(engine, voucher, PDF, name="출생증명서.pdf", label=apply.SUPPLEMENT)
    with transaction(session_factory(engine)) as session:
        answered = apply.submit_supplement(session, NEW_MOTHER, voucher.id, "")
    assert answered.status == "supplement_submitted"
    assert answered.events[-1].note == f"올린 서류: {apply.SUPPLEMENT} (출생증명서.pdf)"
    with pytest.raises(apply.DocumentRejected):  # the request is answered: no more 보완 서류
        _upload(engine, voucher, PDF, label=apply.SUPPLEMENT)


def test_a_supplement_without_files_still_needs_words(engine: Engine, exchange: registry.Exchange) -> None:
    voucher = _needing_a_document(engine, exchange)
    checker = official(voucher.office, "checker")
    with transaction(session_factory(engine)) as session:
        apply.request_supplement(session, voucher.id, checker, "통장 사본을 올려 주세요.")
    with (
        transaction(session_factory(engine)) as session,
        pytest.raises(apply.ApplyInvalid, match="서류를 올려"),
    ):
        apply.submit_supplement(session, NEW_MOTHER, voucher.id, " ")


def test_a_decision_on_a_screen_opened_before_an_upload_is_a_conflict(
    engine: Engine, exchange: registry.Exchange
) -> None:
    voucher = _needing_a_document(engine, exchange)
    decider = official(voucher.office, "decider")
    with transaction(session_factory(engine)) as session:
        seen = apply.open_application(session, voucher.id, decider)
    _upload(engine, voucher, PDF)
    with transaction(session_factory(engine)) as session, pytest.raises(apply.DecisionConflict):
        apply.decide(session, voucher.id, decider, approve=True, version=seen.version)


def test_downloading_is_for_the_deciding_office_and_logged_with_the_receipt_number(
    engine: Engine, exchange: registry.Exchange
) -> None:
    voucher = _needing_a_document(engine, exchange)
    kept = _upload(engine, voucher, PDF, name="가족관계증명서.pdf")
    checker = official(voucher.office, "checker")
    with transaction(session_factory(engine)) as session:
        found = apply.download_document(session, voucher.id, kept.id, checker)
    assert found.content == PDF
    assert found.content_disposition.startswith("attachment; filename=\"document.pdf\"; filename*=UTF-8''")
    with session_factory(engine)() as session:
        logged = [e for e in audit.history(session, NEW_MOTHER, limit=50) if e.case_ref == voucher.receipt_no]
    assert logged[0].actor == checker.actor(voucher.office)
    assert logged[0].facts == (f"제출 서류: {NEEDED}",)
    elsewhere = official("welfare_office-26110" if voucher.office != "welfare_office-26110" else "welfare_office-11110",
                         "checker", "decider", "supervisor")  # fmt: skip
    auditor = official(voucher.office, "auditor")  # may read logs, not open applications
    for outsider in (elsewhere, auditor):
        with transaction(session_factory(engine)) as session, pytest.raises(apply.ApplicationNotFound):
            apply.download_document(session, voucher.id, kept.id, outsider)


def test_file_names_are_made_safe_and_saved_with_their_real_extension() -> None:
    assert apply.documents.safe_name("../../etc/passwd", "application/pdf") == "passwd"
    assert (
        apply.documents.safe_name('<img src=x onerror="a">.pdf', "application/pdf")
        == "_img src=x onerror=_a__.pdf"
    )
    assert apply.documents.safe_name(" \x00\x1f ", "image/png") == "서류.png"
    long = apply.documents.safe_name("가" * 300 + ".jpeg", "image/jpeg")
    assert len(long) == 100
    assert long.endswith(".jpeg")
    assert apply.documents.download_name("scan.PDF", "image/jpeg") == "scan.jpg"
    assert apply.documents.download_name("보고서.v2", "application/pdf") == "보고서.v2.pdf"


def test_the_migration_matches_the_model(engine: Engine) -> None:
    assert "apply_documents" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, METADATA)
    assert [d for d in diffs if "apply_documents" in repr(d)] == []


# --- the pages ----------------------------------------------------------------------------------------------

CITIZEN = "SYN40"  # NEW_MOTHER, signed in on the portal


def test_the_citizen_uploads_on_the_page_and_the_office_downloads(
    client: TestClient, engine: Engine, exchange: registry.Exchange
) -> None:
    voucher = _needing_a_document(engine, exchange, CITIZEN)
    with signed_in(client, CITIZEN):
        page = client.get(f"/me/applications/{voucher.id}")
        assert "아직 내지 않은 서류" in page.text
        assert 'enctype="multipart/form-data"' in page.text
        assert f'value="{NEEDED}"' in page.text
        done = _post_file(client, voucher.id, PDF, "가족관계증명서<b>.pdf")
        assert done.status_code == 200, done.text
        assert done.url.params.get("done") == "document"
        assert "서류를 올렸어요" in done.text
        assert "가족관계증명서_b_.pdf" in done.text  # the name made safe (and escaped besides)
        assert f"{len(PDF)}바이트" in done.text
        assert "필요한 서류를 모두 올렸어요" in done.text
        assert "아직 내지 않은 서류" not in done.text
    phone = "010-6200-0001"
    make_official(client, phone, voucher.office, "checker")
    office_sign_in(client, phone)
    opened = client.get(f"/office/applications/{voucher.id}")
    assert opened.status_code == 200
    assert "가족관계증명서_b_.pdf" in opened.text
    link = re.search(rf'href="(/office/applications/{voucher.id}/documents/D-[0-9a-f]+)"', opened.text)
    assert link
    file = client.get(link.group(1))
    assert file.status_code == 200
    assert file.content == PDF
    assert file.headers["content-type"] == "application/pdf"
    assert file.headers["content-disposition"].startswith("attachment;")
    assert file.headers["x-content-type-options"] == "nosniff"
    with state_of(client).sessions() as session:
        logged = [e for e in audit.history(session, CITIZEN, limit=50) if e.case_ref == voucher.receipt_no]
    assert f"제출 서류: {NEEDED}" in logged[0].facts  # the download, newest first
    _another_agency_is_refused(client, link.group(1), voucher)


def _another_agency_is_refused(client: TestClient, link: str, voucher: apply.Application) -> None:
    other = "welfare_office-26110" if voucher.office != "welfare_office-26110" else "welfare_office-11110"
    make_official(client, "010-6200-0002", other, "decider")
    office_sign_in(client, "010-6200-0002")
    refused = client.get(link)
    assert refused.status_code == 403
    assert "다른 기관의 업무는 볼 수 없습니다" in refused.text
    assert PDF not in refused.content


BAD_FILES = (
    (HTML, "증명서.pdf", 422, "PDF, JPEG(jpg), PNG 파일만"),
    (EXE, "증명서.pdf", 422, "PDF, JPEG(jpg), PNG 파일만"),
    (b"", "증명서.pdf", 422, "빈 파일입니다"),
    (b"%PDF-" + b"0" * apply.MAX_BYTES, "큰 증명서.pdf", 413, "10MB를 넘습니다"),  # found while reading
)


def test_a_bad_file_re_shows_the_page_with_a_korean_message(
    client: TestClient, engine: Engine, exchange: registry.Exchange
) -> None:
    voucher = _needing_a_document(engine, exchange, "SYN41")
    with signed_in(client, "SYN41"):
        for content, name, status, message in BAD_FILES:
            shown = _post_file(client, voucher.id, content, name)
            assert shown.status_code == status, name
            assert message in shown.text
            assert 'role="alert"' in shown.text
            assert f'value="{NEEDED}"' in shown.text  # the page again, with its upload forms
        # far over the limit: refused by its Content-Length, before the form is read
        huge = _post_file(client, voucher.id, b"%PDF-" + b"0" * (apply.MAX_BYTES + 200_000), "아주 큰.pdf")
        assert huge.status_code == 413
        assert "10MB를 넘습니다" in huge.text
        page = client.get(f"/me/applications/{voucher.id}")
    assert "아직 내지 않은 서류" in page.text  # nothing was kept
    assert "올린 서류" not in page.text


def test_the_page_refuses_uploads_once_decided(
    client: TestClient, engine: Engine, exchange: registry.Exchange
) -> None:
    voucher = _needing_a_document(engine, exchange, "SYN42")
    with transaction(session_factory(engine)) as session:
        apply.decide(session, voucher.id, official(voucher.office, "decider"), approve=True)
    with signed_in(client, "SYN42"):
        page = client.get(f"/me/applications/{voucher.id}")
        assert "결정이 끝난 신청이라 서류를 더 낼 수 없어요" in page.text
        assert 'type="file"' not in page.text
        refused = client.post(
            f"/me/applications/{voucher.id}/documents",
            data={"csrf_token": csrf_of(client.get("/me/consents").text), "document": NEEDED},
            files={"file": ("증명서.pdf", PDF, "application/pdf")},
        )  # a form kept from before the decision
    assert refused.status_code == 409
    assert "이미 '승인' 상태라 서류를 더 낼 수 없습니다" in html.unescape(refused.text)


# --- the open API ---------------------------------------------------------------------------------------------

API_CITIZEN = "SYN35"


def test_the_api_takes_a_document_and_shows_it(
    client: TestClient, engine: Engine, exchange: registry.Exchange
) -> None:
    voucher = _needing_a_document(engine, exchange, API_CITIZEN)
    headers = bearer(token_for(client, API_CITIZEN))
    url = f"/api/v1/me/applications/{voucher.id}"
    assert client.get(url, headers=headers).json()["documents_needed"] == [NEEDED]
    made = client.post(f"{url}/documents", headers=headers, data={"document": NEEDED},
                       files={"file": ("family.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "image/jpeg")})  # fmt: skip
    assert made.status_code == 201, made.text
    assert made.json()["content_type"] == "image/jpeg"
    assert made.json()["document"] == NEEDED
    shown = client.get(url, headers=headers).json()
    assert shown["documents_needed"] == []
    assert [d["id"] for d in shown["documents"]] == [made.json()["id"]]
    assert "content" not in shown["documents"][0]


def test_api_errors_are_problem_json(client: TestClient, engine: Engine, exchange: registry.Exchange) -> None:
    voucher = _needing_a_document(engine, exchange, API_CITIZEN)
    headers = bearer(token_for(client, API_CITIZEN))
    url = f"/api/v1/me/applications/{voucher.id}/documents"

    def post(content: bytes, label: str = NEEDED, by: dict[str, str] | None = None) -> Response:
        response: Response = client.post(url, headers=by or headers, data={"document": label},
                                         files={"file": ("a.pdf", content, "application/pdf")})  # fmt: skip
        return response

    for response, status, code in (
        (post(HTML), 422, "apply.document_invalid"),
        (post(b""), 422, "apply.document_invalid"),
        (post(PDF, label="모르는 서류"), 422, "apply.document_invalid"),
        (post(PDF, by=bearer(token_for(client, "SYN72"))), 404, "apply.not_found"),
        (client.post(url, headers=headers, data={"document": NEEDED}), 422, "apply.document_invalid"),
    ):
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == code
    assert client.post(url, data={"document": NEEDED}, files={"file": ("a.pdf", PDF)}).status_code == 401
    with transaction(session_factory(engine)) as session:
        apply.decide(session, voucher.id, official(voucher.office, "decider"), approve=True)
    closed = post(PDF)
    assert closed.status_code == 409
    assert closed.json()["code"] == "apply.documents_closed"


# --- a real browser ---------------------------------------------------------------------------------------------

BROWSER_CITIZEN = "SYN43"  # no other test signs in as them


@pytest.mark.browser
def test_uploading_in_chromium_with_and_without_javascript(
    browser: Any, base_url: str, served: tuple[str, Any], engine: Engine, exchange: registry.Exchange
) -> None:
    cookies = enrolled_cookies(browser, base_url, served[1], BROWSER_CITIZEN, "/me/applications")
    for javascript in (True, False):
        voucher = _needing_a_document(engine, exchange, BROWSER_CITIZEN)
        context = browser.new_context(
            locale="ko-KR", java_script_enabled=javascript, viewport={"width": 360, "height": 740}
        )
        context.add_cookies(cookies)
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            page.goto(f"{base_url}/me/applications/{voucher.id}")
            page.get_by_role("heading", name="제출 서류").wait_for()
            if javascript:
                assert axe_violations(page, SERIOUS) == []
            page.get_by_label(f"{NEEDED} 파일").set_input_files(
                files=[{"name": "가족관계증명서.pdf", "mimeType": "application/pdf", "buffer": PDF}]
            )
            page.get_by_role("button", name=f"{NEEDED} 올리기").click()
            page.get_by_text("서류를 올렸어요").wait_for()
            assert "필요한 서류를 모두 올렸어요" in page.content()
            assert "가족관계증명서.pdf" in page.content()
            if javascript:
                assert axe_violations(page, SERIOUS) == []
        finally:
            context.close()
