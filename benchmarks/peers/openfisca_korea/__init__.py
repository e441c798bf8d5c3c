"""A Korean tax-benefit system for OpenFisca-core: Nara's population-computable rules, as a peer.

``korea_system("idiomatic")`` is written as OpenFisca's documentation shows (fancy indexing of
household-size parameter nodes, roles, ``value_from_person``); ``korea_system("tuned")`` is the same system
with the hot formulas replaced by numpy lookups (``openfisca_korea.tuned``). Parameters are generated from
Nara's own files by ``export_parameters.py`` (same dates, same numbers).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from openfisca_korea import inputs, rules, tuned
from openfisca_korea.entities import entities

Form = Literal["idiomatic", "tuned"]
FORMS: tuple[Form, ...] = ("idiomatic", "tuned")
PARAMETERS = Path(__file__).parent / "parameters"
SERVICES = rules.SERVICES


class KoreaTaxBenefitSystem(TaxBenefitSystem):  # type: ignore[misc]
    """Entities, the parameter tree and the variables of one form."""

    def __init__(self, form: Form = "idiomatic") -> None:
        super().__init__(entities)
        self.form = form
        self.load_parameters(str(PARAMETERS))
        self.add_variables(*inputs.INPUTS, *rules.VARIABLES)
        if form == "tuned":
            for variable in tuned.VARIABLES:
                self.update_variable(variable)


def korea_system(form: Form) -> KoreaTaxBenefitSystem:
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}: one of {FORMS}")
    return KoreaTaxBenefitSystem(form)
