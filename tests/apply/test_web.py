"""The citizen's journey on the portal: 행복출산 from consent to 접수되었습니다, and its bad inputs."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.exc import OperationalError

from nara import apply
from tests.apply.forms import form_values, submit
from tests.apply.making import birth_answers, typed_fields
from tests.identity.journeys import signed_in, state_of

MOTHER = "SYN72"  # married, 1987-born, no children yet (the test population)

BIRTH = apply.bundles()["birth"]


def _start(client: TestClient, bundle: str = "birth") -> str:
    page = client.get(f"/bundles/{bundle}")
    if "동의하고 신청서 채우기" in page.text:
        page = submit(client, page, f"/bundles/{bundle}/consent")
    assert page.status_code == 200, page.text
    return str(page.text)


def _answers(name: str) -> dict[str, str]:
    return birth_answers(**{"newborn.name": name, "newborn.sex": "male"})


def _review(client: TestClient, name: str) -> Response:
    page = client.get("/bundles/birth")
    values = form_values(page.text, "/bundles/birth/check") | _answers(name)
    review: Response = client.post("/bundles/birth/check", data=values)
    return review


def _submit(client: TestClient, review: Response) -> Response:
    return submit(client, review, "/bundles/birth/submit", **typed_fields(BIRTH.all_services))


def test_a_mother_applies_for_the_birth_bundle_once(client: TestClient) -> None:
    with signed_in(client, MOTHER):
        start = _start(client)
        assert "기관에서 받은 정보" in start
        assert "주민등록 (행정안전부)" in start
        review = _review(client, "한결")
        assert review.status_code == 200, review.text
        assert "첫만남이용권" in review.text
        assert "받을 수 있어요" in review.text
        done = _submit(client, review)
        assert "접수되었습니다" in done.text
        receipts = re.findall(r"접수번호 <strong>([0-9A-Z-]+)</strong>", done.text)
        assert receipts
        assert len(set(receipts)) == len(receipts)
        again = _submit(client, review)
        assert "접수되었습니다" in again.text  # double click / back and submit again: the same submission
        assert re.findall(r"접수번호 <strong>([0-9A-Z-]+)</strong>", again.text) == receipts
        mine = client.get("/me/applications").text
        assert all(mine.count(receipt) == 1 for receipt in receipts)


def test_a_missing_answer_keeps_everything_typed(client: TestClient) -> None:
    with signed_in(client, MOTHER):
        _start(client)
        page = client.get("/bundles/birth")
        values = (
            form_values(page.text, "/bundles/birth/check")
            | _answers("")
            | {"correct.household.address.value": "새 주소"}
        )
        shown = client.post("/bundles/birth/check", data=values)
        assert shown.status_code == 422
        assert "아기 이름: 답해 주세요." in shown.text
        assert 'value="새 주소"' in shown.text
        assert values["newborn.birth_date"] in shown.text


def test_an_unavailable_registry_lets_the_citizen_continue_with_documents(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = state_of(client).exchange.store
    real_read = store.read

    def education_down(agency: str, subject: str, facts: list[object]) -> object:
        if agency == "education":
            raise OperationalError("SELECT", {}, Exception("connection refused"))
        return real_read(agency, subject, facts)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "read", education_down)
    with signed_in(client, MOTHER):
        start = _start(client)
        assert "지금 응답하지 않는 기관이 있어요" in start
        assert "교육·보육" in start
        assert "어린이집·유치원 이용" in start  # the fact that could not be fetched is named
        review = _review(client, "다온")
        assert "어린이집 이용 여부 확인서" in review.text
        done = _submit(client, review)
        assert "접수되었습니다" in done.text


def test_another_citizens_application_is_not_found(client: TestClient) -> None:
    with signed_in(client, MOTHER):
        _start(client)
        done = _submit(client, _review(client, "라온"))
        application = re.search(r'href="/me/applications/(A-[0-9a-f]+)"', done.text)
        assert application
    with signed_in(client, "SYN35"):
        other = client.get(f"/me/applications/{application.group(1)}")
        assert other.status_code == 404
        assert "신청을 찾을 수 없습니다" in other.text


def test_the_bundles_are_listed_for_everyone(client: TestClient) -> None:
    client.cookies.clear()
    page = client.get("/bundles")
    assert page.status_code == 200
    for bundle in apply.bundles().values():
        assert bundle.name in page.text
