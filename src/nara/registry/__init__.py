"""Agency registries and the exchange (정보 공동이용): facts read only on a legal basis or consent."""

from nara.registry.catalogue import Agency, Catalogue, Fact, LegalBasis, catalogue
from nara.registry.download import DownloadReport, build_download, verify_download
from nara.registry.errors import ExchangeRefused, ResponseInvalid, SubjectNotFound, UnknownFact
from nara.registry.exchange import (
    Exchange,
    ExchangeRequest,
    ExchangeResult,
    FactValue,
    SignedResponse,
    open_exchange,
    verify_household,
    verify_responses,
)
from nara.registry.keys import AgencyKeys
from nara.registry.storage import RegistryStore
from nara.registry.synthetic import mobile_phone

__all__ = [
    "Agency",
    "AgencyKeys",
    "Catalogue",
    "DownloadReport",
    "Exchange",
    "ExchangeRefused",
    "ExchangeRequest",
    "ExchangeResult",
    "Fact",
    "FactValue",
    "LegalBasis",
    "RegistryStore",
    "ResponseInvalid",
    "SignedResponse",
    "SubjectNotFound",
    "UnknownFact",
    "build_download",
    "catalogue",
    "mobile_phone",
    "open_exchange",
    "verify_download",
    "verify_household",
    "verify_responses",
]
