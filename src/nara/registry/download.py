"""Download my data (내 정보 내려받기): everything held about a citizen, as JSON and CSV, with a signed manifest.

The archive holds the facts every registry has about them (read through the exchange on 「개인정보
보호법」 제35조의2, so the download itself is in their access log, with each registry's signed response
kept as proof of origin), their consents and their access log. ``manifest.json`` lists each file's
SHA-256 and size, the issuing system and the time; ``manifest.jws`` is that manifest signed with Nara's
download key. ``verify_download`` (and ``nara verify-download``) checks all of it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nara import audit, consent
from nara.kernel.clock import utcnow
from nara.kernel.signing import SignatureInvalid, SigningKey, read_jws
from nara.registry.exchange import Exchange, ExchangeRequest, verify_responses

MANIFEST_TYPE = "nara-download-manifest+jwt"
ISSUER = "Nara 나라 디지털플랫폼정부 (내 정보 내려받기)"


@dataclass
class DownloadReport:
    files: int = 0
    subject: str | None = None
    issued_at: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def build_download(exchange: Exchange, key: SigningKey, subject: str) -> bytes:
    """The citizen's archive (zip bytes); reading the registries for it is logged like any other read."""
    catalogue = exchange.catalogue
    request = ExchangeRequest(
        caller=f"citizen:{subject}",
        subject=subject,
        facts=tuple(catalogue.facts),
        purpose="download",
        basis="law:pipa-35-2",
    )
    result = exchange.request(request)
    values = verify_responses(result, exchange.keys.jwks())
    facts = [
        {
            "name": name,
            "label": catalogue.facts[name].label,
            "value": fact.value,
            "agency": fact.agency,
            "agency_name": catalogue.agencies[fact.agency].display,
        }
        for name, fact in values.items()
    ]
    with exchange.sessions() as session:
        consents = [_consent_row(c) for c in consent.consents_of(session, subject)]
        accesses = [_access_row(e) for e in audit.history(session, subject, limit=1_000_000)]
    files = {
        "facts.json": _json(facts),
        "facts.csv": _csv(facts),
        "registry-responses.json": _json([asdict(response) for response in result.responses]),
        "consents.json": _json(consents),
        "consents.csv": _csv(consents),
        "access-log.json": _json(accesses),
        "access-log.csv": _csv(accesses),
    }
    manifest = {
        "issuer": ISSUER,
        "subject": subject,
        "issued_at": utcnow().isoformat(timespec="seconds"),
        "key_id": key.key_id,
        "files": [
            {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for name, data in files.items()
        ],
    }
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
        bundle.writestr("manifest.json", _json(manifest))
        bundle.writestr("manifest.jws", key.sign_jws(manifest, MANIFEST_TYPE))
    return archive.getvalue()


def verify_download(path: Path, public_jwk: Mapping[str, str]) -> DownloadReport:
    """Check the manifest's signature and every file against it; each problem in plain Korean."""
    report = DownloadReport()
    try:
        bundle = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        report.problems.append(f"내려받은 파일을 열 수 없습니다: {error}")
        return report
    with bundle:
        names = set(bundle.namelist())
        if "manifest.jws" not in names:
            report.problems.append("서명된 목록(manifest.jws)이 없습니다.")
            return report
        try:
            _, manifest = read_jws(
                bundle.read("manifest.jws").decode(), {public_jwk["kid"]: public_jwk}, MANIFEST_TYPE
            )
        except SignatureInvalid as error:
            report.problems.append(f"목록의 서명을 확인할 수 없습니다: {error}")
            return report
        report.subject, report.issued_at = manifest.get("subject"), manifest.get("issued_at")
        listed = {entry["name"]: entry for entry in manifest["files"]}
        for name, entry in listed.items():
            if name not in names:
                report.problems.append(f"{name}: 목록에 있는데 파일이 없습니다.")
            elif hashlib.sha256(bundle.read(name)).hexdigest() != entry["sha256"]:
                report.problems.append(f"{name}: 내용이 발급된 뒤에 바뀌었습니다.")
            else:
                report.files += 1
        for name in sorted(names - set(listed) - {"manifest.json", "manifest.jws"}):
            report.problems.append(f"{name}: 발급 목록에 없는 파일이 들어 있습니다.")
        if "manifest.json" in names and json.loads(bundle.read("manifest.json")) != manifest:
            report.problems.append("manifest.json이 서명된 목록과 다릅니다.")
    return report


def _consent_row(given: consent.Consent) -> dict[str, Any]:
    return {
        "id": given.id,
        "recipient": given.recipient,
        "purpose": given.purpose,
        "facts": " ".join(given.facts),
        "kind": given.kind,
        "granted_at": given.granted_at.isoformat(timespec="seconds"),
        "valid_until": given.valid_until.isoformat(timespec="seconds") if given.valid_until else "",
        "revoked_at": given.revoked_at.isoformat(timespec="seconds") if given.revoked_at else "",
    }


def _access_row(entry: audit.AccessEntry) -> dict[str, Any]:
    return {
        "position": entry.position,
        "recorded_at": entry.recorded_at.isoformat(timespec="seconds"),
        "actor": entry.actor,
        "on_behalf_of": entry.on_behalf_of or "",
        "facts": " ".join(entry.facts),
        "purpose": entry.purpose,
        "basis": entry.basis,
        "outcome": entry.outcome,
        "case_ref": entry.case_ref or "",
    }


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode()


def _csv(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs show Korean correctly."""
    text = io.StringIO()
    if rows:
        writer = csv.DictWriter(text, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return ("\ufeff" + text.getvalue()).encode()
