"""Download my data: the archive verifies; any changed, missing or added file or a foreign signature is named."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from sqlalchemy.engine import Engine

from nara import audit, registry
from nara.kernel.db import session_factory
from nara.kernel.signing import load_or_create_key


def download(
    exchange: registry.Exchange, tmp_path: Path, subject: str = "SYN2"
) -> tuple[Path, dict[str, str]]:
    key = load_or_create_key(tmp_path / "download.pem")
    path = tmp_path / "my-data.zip"
    path.write_bytes(registry.build_download(exchange, key, subject))
    return path, key.public_jwk()


def rewritten(path: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of the archive with files replaced (bytes), removed (None) or added."""
    out = path.with_name("changed.zip")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if name not in change:
                target.writestr(name, source.read(name))
        for name, data in change.items():
            if data is not None:
                target.writestr(name, data)
    return out


def test_the_archive_holds_everything_and_verifies(
    exchange: registry.Exchange, engine: Engine, tmp_path: Path
) -> None:
    path, public = download(exchange, tmp_path)
    report = registry.verify_download(path, public)
    assert report.ok, report.problems
    assert (report.subject, report.files) == ("SYN2", 7)
    with zipfile.ZipFile(path) as bundle:
        facts = json.loads(bundle.read("facts.json"))
        assert {fact["name"] for fact in facts} == set(registry.catalogue().facts)
        assert bundle.read("facts.csv").decode("utf-8-sig").startswith("name,label,value,agency,agency_name")
    with session_factory(engine)() as session:
        assert audit.history(session, "SYN2", limit=1)[0].purpose == "download"


def test_a_changed_file_is_named(exchange: registry.Exchange, tmp_path: Path) -> None:
    path, public = download(exchange, tmp_path)
    changed = rewritten(path, {"facts.csv": b"name,value\nhousehold.assets,0\n"})
    assert registry.verify_download(changed, public).problems == [
        "facts.csv: 내용이 발급된 뒤에 바뀌었습니다."
    ]


def test_missing_and_added_files_are_named(exchange: registry.Exchange, tmp_path: Path) -> None:
    path, public = download(exchange, tmp_path)
    changed = rewritten(path, {"consents.csv": None, "extra.txt": b"hello"})
    problems = registry.verify_download(changed, public).problems
    assert "consents.csv: 목록에 있는데 파일이 없습니다." in problems
    assert "extra.txt: 발급 목록에 없는 파일이 들어 있습니다." in problems


def test_a_manifest_signed_by_another_key_is_refused(exchange: registry.Exchange, tmp_path: Path) -> None:
    path, _ = download(exchange, tmp_path)
    stranger = load_or_create_key(tmp_path / "stranger.pem").public_jwk()
    assert registry.verify_download(path, stranger).problems[0].startswith("목록의 서명을 확인할 수 없습니다")
    assert not registry.verify_download(tmp_path / "download.pem", stranger).ok  # not even a zip
