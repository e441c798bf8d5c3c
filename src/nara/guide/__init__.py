"""맞춤형 안내 (personalised guide): a few questions — or none, with the citizen's consent — to every
benefit the rules can decide, grouped as people read them. Pure: no database, no web."""

from nara.guide.household import Composition, member_name
from nara.guide.inputs import AnswerInvalid, Input, input_for, parse_answer, shown_value
from nara.guide.journey import (
    MAX_QUESTIONS,
    Journey,
    Question,
    Step,
    misnamed_facts,
    next_step,
    question_text,
    situation_document,
    situation_from_registry,
)
from nara.guide.results import GuideResults, MissingFact, group, missing_fact

__all__ = [
    "MAX_QUESTIONS",
    "AnswerInvalid",
    "Composition",
    "GuideResults",
    "Input",
    "Journey",
    "MissingFact",
    "Question",
    "Step",
    "group",
    "input_for",
    "member_name",
    "misnamed_facts",
    "missing_fact",
    "next_step",
    "parse_answer",
    "question_text",
    "shown_value",
    "situation_document",
    "situation_from_registry",
]
