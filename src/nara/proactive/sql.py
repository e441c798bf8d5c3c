"""The proactive job as SQL (DuckDB dialect; SQLGlot transpiles it for Spark): views over four tables.

Inputs are tables (or views) named ``people`` (one row per person, household facts repeated),
``members`` (``person_id``: who has standing consent) and, for the diff, ``snapshot`` and ``previous``.
The rules are the rulebook's own SQL (``rules.sql_plan``): nothing about eligibility is written here.

Who is told about an eligible row (``recipient``):

- a rule about the subject (the head of household on the population path): the head, if a member;
- a rule per child or per member (``for_each: children | members | spouse``): the household's members
  who are its head or the head's spouse — the people who apply for a child's benefit.

The snapshot has one row per (recipient, service, beneficiary): a second child newly eligible for a
service the parent already gets for the first is new. The new pairs are grouped per (recipient, service):
one notice each.
"""

from __future__ import annotations

from datetime import date

import sqlglot

from nara.rules.rulebook import Rule
from nara.rules.sql_plan import SqlPlan

GUARDIANS = ("self", "spouse")  # who applies for a child's benefit: the head and the head's spouse
SNAPSHOT_COLUMNS = ("person_id", "service_id", "beneficiary_id", "reason")
NEW_COLUMNS = ("person_id", "service_id", "reason", "beneficiaries")


def chain(
    rules: tuple[Rule, ...], on: date, columns: frozenset[str], *, all_members: bool
) -> list[tuple[str, str]]:
    """The views from ``people`` and ``members`` to ``eligible`` (the snapshot's rows), in order.

    ``columns``: the columns ``people`` has (a fact the rules read that it lacks is unknown).
    ``all_members``: everyone in ``people`` is a member (``members`` is then not read)."""
    about_subject = ", ".join(_text(rule.service_id) for rule in rules if rule.for_each == "subject") or "''"
    guardians = ", ".join(_text(relation) for relation in GUARDIANS)
    member_ids = "SELECT person_id FROM people" if all_members else "SELECT DISTINCT person_id FROM members"
    scoped = (
        "SELECT * FROM people"
        if all_members
        else "SELECT * FROM people WHERE household_id IN (SELECT household_id FROM member_people)"
    )
    return [
        ("member_ids", member_ids),
        (
            "member_people",
            "SELECT person_id, household_id, relation FROM people "
            "WHERE person_id IN (SELECT person_id FROM member_ids)",
        ),
        ("scoped", scoped),  # only the members' households are evaluated
        ("pairs", SqlPlan(on).pairs_query(rules, "scoped", columns=columns)),
        (
            "eligible",
            "SELECT p.person_id AS person_id, p.service_id AS service_id, p.person_id AS beneficiary_id, "
            "p.reason AS reason FROM pairs AS p "
            f"WHERE p.service_id IN ({about_subject}) AND p.person_id IN (SELECT person_id FROM member_ids) "
            "UNION ALL "
            "SELECT g.person_id AS person_id, p.service_id AS service_id, p.person_id AS beneficiary_id, "
            "p.reason AS reason FROM pairs AS p "
            "JOIN member_people AS g ON g.household_id = p.household_id "
            f"WHERE p.service_id NOT IN ({about_subject}) AND g.relation IN ({guardians})",
        ),
    ]


def new_pairs(*, with_previous: bool) -> str:
    """(recipient, service) pairs of ``snapshot`` with a beneficiary not in ``previous``: one per notice.

    ``reason`` is the smallest reason code among the new beneficiaries (the same in every engine)."""
    unseen = (
        " WHERE NOT EXISTS (SELECT 1 FROM previous AS p WHERE p.person_id = s.person_id "
        "AND p.service_id = s.service_id AND p.beneficiary_id = s.beneficiary_id)"
        if with_previous
        else ""
    )
    return (
        "SELECT s.person_id AS person_id, s.service_id AS service_id, MIN(s.reason) AS reason, "
        f"COUNT(*) AS beneficiaries FROM snapshot AS s{unseen} GROUP BY s.person_id, s.service_id"
    )


def in_dialect(sql: str, dialect: str) -> str:
    """``sql`` (DuckDB) in ``dialect``."""
    return sql if dialect == "duckdb" else sqlglot.transpile(sql, read="duckdb", write=dialect)[0]


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
