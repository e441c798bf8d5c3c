"""Rules as code: eligibility of every benefit as readable, dated, executable rules.

Pure: a situation and a date in, a status, amount and explanation out. No database, no web.
"""

from nara.rules.errors import RuleFileInvalid, SituationInvalid
from nara.rules.evaluate import EligibilityResult, Status, evaluate
from nara.rules.facts import FactSpec, fact_spec, full_years
from nara.rules.korean import won
from nara.rules.parameters import median_income_table
from nara.rules.questions import NextQuestion, next_question, question_for
from nara.rules.report import evaluation_json, evaluation_public, evaluation_text
from nara.rules.rulebook import fact_names, rulebook
from nara.rules.scenarios import run_all as run_scenarios
from nara.rules.schemas import AmountPublic, EvaluationPublic, NextQuestionPublic, ResultPublic
from nara.rules.screening import Screening, ScreeningBook, ScreeningSource
from nara.rules.situation import Situation, parse_situation, sigungu_table

__all__ = [
    "AmountPublic",
    "EligibilityResult",
    "EvaluationPublic",
    "FactSpec",
    "NextQuestion",
    "NextQuestionPublic",
    "ResultPublic",
    "RuleFileInvalid",
    "Screening",
    "ScreeningBook",
    "ScreeningSource",
    "Situation",
    "SituationInvalid",
    "Status",
    "evaluate",
    "evaluation_json",
    "evaluation_public",
    "evaluation_text",
    "fact_names",
    "fact_spec",
    "full_years",
    "median_income_table",
    "next_question",
    "parse_situation",
    "question_for",
    "rulebook",
    "run_scenarios",
    "sigungu_table",
    "won",
]
