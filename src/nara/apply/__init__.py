"""Apply once (한 번에 신청): applications prefilled from the registries with the citizen's consent,
life-event bundles (원스톱 패키지) that fan out to every agency, the agency back office, and the status
timeline the citizen follows. Notices go to the citizen's 전자 사서함 through ``nara.notices``."""

from nara.apply.check import ServiceCheck, check, check_bundle, parse_answers, situation
from nara.apply.consents import give as give_consent
from nara.apply.consents import usable as usable_consent
from nara.apply.errors import (
    AlreadyApplied,
    ApplicationNotFound,
    ApplyInvalid,
    DecisionConflict,
    SecondLookNeeded,
)
from nara.apply.household import Household, Member, PulledFact, facts_needed, read, reverify
from nara.apply.office import (
    BulkResult,
    Official,
    bulk_approve,
    complete,
    decide,
    office_of,
    open_application,
    queue,
    request_supplement,
    submit_supplement,
)
from nara.apply.services import (
    Correction,
    Request,
    application_of,
    applications_of,
    documents_needed,
    submission,
    submit,
)
from nara.apply.specs import (
    Bundle,
    Form,
    FormField,
    Office,
    Question,
    agencies,
    bundle,
    bundles,
    form,
    forms,
    office_name,
)
from nara.apply.specs import office as office_for
from nara.apply.statuses import OPEN, REJECTION_REASONS, STATUS_LABELS
from nara.apply.views import Application, Event, Submission

__all__ = [
    "OPEN",
    "REJECTION_REASONS",
    "STATUS_LABELS",
    "AlreadyApplied",
    "Application",
    "ApplicationNotFound",
    "ApplyInvalid",
    "BulkResult",
    "Bundle",
    "Correction",
    "DecisionConflict",
    "Event",
    "Form",
    "FormField",
    "Household",
    "Member",
    "Office",
    "Official",
    "PulledFact",
    "Question",
    "Request",
    "SecondLookNeeded",
    "ServiceCheck",
    "Submission",
    "agencies",
    "application_of",
    "applications_of",
    "bulk_approve",
    "bundle",
    "bundles",
    "check",
    "check_bundle",
    "complete",
    "decide",
    "documents_needed",
    "facts_needed",
    "form",
    "forms",
    "give_consent",
    "office_for",
    "office_name",
    "office_of",
    "open_application",
    "parse_answers",
    "queue",
    "read",
    "request_supplement",
    "reverify",
    "situation",
    "submission",
    "submit",
    "submit_supplement",
    "usable_consent",
]
