"""지능형 국민비서: a conversational assistant that answers only with what the catalog and the rules say.

Every reply is a template filled with data from the service catalog or the rules engine: it can never
invent a service, an amount or a condition. See docs/domains/assistant.md.
"""

from nara.assistant.conversation import prepare, reply
from nara.assistant.evaluation import Report, evaluate_dialogues, load_dialogues
from nara.assistant.extract import BirthRange, Extraction, Found, OneOf, Role, extract
from nara.assistant.intents import CONFIDENT, Intent, IntentGuess, classify
from nara.assistant.numbers import AgeRange
from nara.assistant.schemas import Handoff, Reply, ServiceItem, Source
from nara.assistant.search import ApplyGuide, SearchFn, ServiceHit, catalog_search
from nara.assistant.state import State

__all__ = [
    "CONFIDENT",
    "AgeRange",
    "ApplyGuide",
    "BirthRange",
    "Extraction",
    "Found",
    "Handoff",
    "Intent",
    "IntentGuess",
    "OneOf",
    "Reply",
    "Report",
    "Role",
    "SearchFn",
    "ServiceHit",
    "ServiceItem",
    "Source",
    "State",
    "catalog_search",
    "classify",
    "evaluate_dialogues",
    "extract",
    "load_dialogues",
    "prepare",
    "reply",
]
