"""전자지갑 (issue #8): verifiable credentials as SD-JWT VC, their status lists, and the wallet's services.

Formats (wallet-core): ``sdjwt`` (RFC 9901 SD-JWT and SD-JWT VC: issue, present, verify), ``status_list``
(IETF Token Status List), ``jose`` (compact JWS on ``cryptography``), ``errors`` (stable codes).
"""

from nara.wallet.errors import SdJwtInvalid, StatusListInvalid
from nara.wallet.sdjwt import (
    ALWAYS_VISIBLE,
    SD_JWT_VC_TYP,
    ClaimPath,
    Disclosable,
    Disclosure,
    Inspected,
    Verified,
    inspect,
    issue,
    keys_from_jwks,
    present,
    to_json_serialisation,
    verify,
)
from nara.wallet.status_list import (
    INVALID,
    SUPERSEDED,
    SUSPENDED,
    VALID,
    StatusList,
    StatusListCache,
    StatusListToken,
    random_free_index,
    read_status_list_token,
    status_claim,
    status_list_token,
    verify_status_list_token,
)

__all__ = [
    "ALWAYS_VISIBLE",
    "INVALID",
    "SD_JWT_VC_TYP",
    "SUPERSEDED",
    "SUSPENDED",
    "VALID",
    "ClaimPath",
    "Disclosable",
    "Disclosure",
    "Inspected",
    "SdJwtInvalid",
    "StatusList",
    "StatusListCache",
    "StatusListInvalid",
    "StatusListToken",
    "Verified",
    "inspect",
    "issue",
    "keys_from_jwks",
    "present",
    "random_free_index",
    "read_status_list_token",
    "status_claim",
    "status_list_token",
    "to_json_serialisation",
    "verify",
    "verify_status_list_token",
]

# The wallet's services (issuer, verifiers, the web wallet's protocol side, statuses, history): their own
# modules, used by the web layer; the document schemas and the run-time context are exported by name.
from nara.wallet import history, holder, issuer, statuses, verifier
from nara.wallet.context import WalletContext, open_wallet
from nara.wallet.refusals import WalletRefused
from nara.wallet.schemas import DOC_TYPES, DocType

__all__ += [
    "DOC_TYPES",
    "DocType",
    "WalletContext",
    "WalletRefused",
    "history",
    "holder",
    "issuer",
    "open_wallet",
    "statuses",
    "verifier",
]
