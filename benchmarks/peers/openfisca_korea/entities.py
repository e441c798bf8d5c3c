"""Entities: Person and Household (roles from Nara's ``relation`` column)."""

from __future__ import annotations

from openfisca_core.entities import build_entity

Household = build_entity(
    key="household",
    plural="households",
    label="가구",
    doc="A household: the members who share the 소득인정액 and the household-size thresholds.",
    roles=[
        {"key": "head", "label": "본인 (relation self)", "max": 1},
        {"key": "spouse", "label": "배우자 (relation spouse)", "max": 1},
        {"key": "child", "plural": "children", "label": "자녀 (relation child)"},
        {"key": "other", "plural": "others", "label": "그 밖의 가구원 (parent, sibling, grandchild, other)"},
    ],
)

Person = build_entity(
    key="person",
    plural="persons",
    label="사람",
    doc="A person of the synthetic population.",
    is_person=True,
)

entities = [Household, Person]

# Nara's relation → the household role (index into Household.flattened_roles).
ROLE_OF_RELATION = {"self": "head", "spouse": "spouse", "child": "child"}  # anything else: "other"
