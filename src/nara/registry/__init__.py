"""Agency registries and the exchange (정보 공동이용): facts read only on a legal basis or consent."""

from nara.registry.catalogue import Agency, Catalogue, Fact, LegalBasis, catalogue
from nara.registry.errors import ExchangeRefused, ResponseInvalid, SubjectNotFound, UnknownFact
from nara.registry.exchange import (
    Exchange,
    ExchangeRequest,
    ExchangeResult,
    FactValue,
    SignedResponse,
    verify_responses,
)
from nara.registry.keys import AgencyKeys
from nara.registry.storage import RegistryStore

__all__ = [
    "Agency",
    "AgencyKeys",
    "Catalogue",
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
    "catalogue",
    "verify_responses",
]
