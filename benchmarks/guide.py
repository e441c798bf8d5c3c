"""맞춤형 안내 (personalised guide) figures: server time per question, and how many questions a household
is asked (printed, never asserted).

    .venv/bin/python benchmarks/guide.py [--households 1000] [--journeys 20] [--seed 7] [--dump PATH]

Citizens: a synthetic population of ``--households`` households (``nara.population.generate``, seed
``--seed``, on a fixed date); each household becomes one full situation. Members get the guide's ids
(``me``, ``spouse``, ``child1``…; grandchildren are entered as children, as the guide's first screen
allows nothing else). Facts the population does not model (rent, insured days, …) stay unknown: asked,
they are answered "잘 모르겠어요".

1. Server time per questionnaire step. The first ``--journeys`` households go through the guide as a
   person would: the household screen, then each question answered from the household's facts (or
   "잘 모르겠어요"), until the results (at most ``guide.MAX_QUESTIONS`` questions). Every step is timed
   (p50 and p99 over all steps of all journeys), after one untimed warm-up journey:
   (a) in process: ``guide.next_step``; and the same plus what the routes add before any HTTP (screening on
       the national catalog's support conditions, ``evaluation_public``, ``guide.group``);
   (b) through the ASGI app (``starlette.testclient.TestClient``): ``POST /api/v1/guide/steps`` with the
       household, the answers so far and the unknown facts;
   (c) the HTML journey: ``POST /guide/answer`` (its 303) plus the ``GET /guide/question`` it leads to —
       the next question's page, or the redirect to the results (step 1 is ``POST /guide/start`` plus the
       first question's page); and ``GET /guide/results`` once per journey;
   (d) the assistant: ``POST /api/v1/assistant/messages`` for five openings ("혼자 사는 70대 어머니가 받을 수
       있는 거 알려줘" …), each followed by three answers with the state handed back, ``--assistant-rounds``
       times after one untimed round (the curated catalog is seeded for its search).
   Screening rules come from the national catalog dump in ../shared/data when present, built as the running
   portal builds them from its imported catalog (services for a person or household, with support
   conditions and no full rule, most viewed first); they are handed to the app directly, because importing
   the dump into the database takes longer than this whole benchmark. Without the dump, no screening.
2. Questions to a full answer: ``nara.rules.interview.interview`` (the greedy next question, asked until
   every service is decided or nothing more can be settled, with no cap) for every household, in two
   processes; against the static form (every fact the rulebook reads, for every member) and the "revealed"
   form (every fact that became relevant as earlier ones were given: asking every fact, shown only once
   relevant). Also: how many households need more than the guide's cap of questions. These run first,
   while the app is set up (untimed); the timings start once they are done.

A default run takes about two and a half minutes here, most of it the 1,000 interviews (each evaluates
every rule once per question, some 30 times); ``--households 300`` takes about a minute.

Machine noise: figures are from a noisy 2-core machine shared with other work; expect ±10–20 % between
runs, more on the p99s. Compare runs on the same machine only.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import re
import secrets
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from nara import catalog, guide, population, rules
from nara.app import METADATA, create_app
from nara.catalog import gov24
from nara.catalog.taxonomy import UserType
from nara.kernel.clock import today
from nara.kernel.db import make_engine, session_factory
from nara.rules.interview import Interview, interview
from nara.rules.situation import Household
from nara.settings import PROJECT_ROOT, Settings
from nara.web.state import AppState, CatalogSearch

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker
    from starlette.testclient import TestClient

DUMP = PROJECT_ROOT.parent / "shared" / "data" / "gov24-benefitmatch" / "benefits_20250726_e0cfd850.json.gz"
ON = date(2025, 6, 1)  # the population's date: question counts do not change from day to day
PUBLIC_URL = "http://localhost:8000"
_HOUSEHOLD_FIELDS = frozenset(Household.model_fields)
_NOT_FACTS = frozenset({"household_id", "person_id", "household_size"})
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_FACT = re.compile(r'name="fact" value="([^"]+)"')


@dataclasses.dataclass(frozen=True)
class Citizen:
    """One household: who lives there (as the guide's first screen has it) and the full situation."""

    composition: guide.Composition
    document: dict[str, Any]  # a rules situation document with every fact the population knows

    def fact(self, name: str) -> Any:
        """The household's value of a fact named as the guide names it, or None (not known)."""
        if name.startswith("household."):
            return self.document["household"].get(name.removeprefix("household."))
        _, member_id, field = name.split(".", 2)
        members: list[dict[str, Any]] = self.document["members"]
        return next((m.get(field) for m in members if m["id"] == member_id), None)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(values: list[float]) -> str:
    return f"p50 {statistics.median(values):.2f} ms, p99 {percentile(values, 0.99):.2f} ms"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def citizens(households: int, seed: int, folder: Path) -> list[Citizen]:
    """The population's households as the guide sees them."""
    path = folder / "population.parquet"
    population.generate(households, seed, path, on=ON, median_income=rules.median_income_table(ON))
    found = []
    for _, rows in pl.read_parquet(path).group_by("household_id", maintain_order=True):
        household: dict[str, Any] = {}
        members: list[dict[str, Any]] = []
        children = 0
        for row in rows.iter_rows(named=True):
            relation = str(row["relation"])
            if relation in ("child", "grandchild"):
                children += 1
                member_id = f"child{children}"
            else:
                member_id = {"self": "me", "spouse": "spouse"}.get(relation, f"other{len(members)}")
            member: dict[str, Any] = {"id": member_id}
            for name, value in row.items():
                if value is None or name in _NOT_FACTS:
                    continue
                (household if name in _HOUSEHOLD_FIELDS else member)[name] = _plain(value)
            members.append(member)
        members.sort(key=lambda m: m["relation"] != "self")
        composition = guide.Composition(
            spouse=any(m["relation"] == "spouse" for m in members),
            children=min(children, 6),
            parents=0,
        )
        document = {"on": ON.isoformat(), "subject": "me", "household": household, "members": members}
        found.append(Citizen(composition, document))
    return found


# --- 1. server time per step ------------------------------------------------------------------------------


def screening_sources(dump: Path) -> list[rules.ScreeningSource]:
    """The screening rules the portal builds from the imported national catalog (``web.state``)."""
    rows = gov24.read_rows([dump])
    full = {rule.service_id for rule in rules.rulebook()}
    personal = {UserType.PERSON.value, UserType.HOUSEHOLD.value}
    services = []
    for row in rows:
        try:
            service = gov24.to_service(row)
        except gov24.RowRejected:
            continue
        users = {u.value for u in service.user_types}
        if service.support_conditions and personal & users and service.id not in full:
            services.append(service)
    services.sort(key=lambda s: (-s.view_count, s.id))
    return [rules.ScreeningSource(s.id, s.name, s.support_conditions or {}) for s in services]


class GivenScreening(CatalogSearch):
    """The app's catalog search, with screening rules given rather than read from the database."""

    def __init__(self, sessions: sessionmaker[Session], book: rules.ScreeningBook) -> None:
        super().__init__(sessions)
        self._book = book

    def screening_book(self) -> rules.ScreeningBook:
        return self._book


def walk(citizen: Citizen, step: Callable[[guide.Journey], guide.Question | None]) -> guide.Journey:
    """The guide's journey for ``citizen``: ``step`` gives the next question for the journey so far."""
    journey = guide.Journey(citizen.composition, started=True)
    while (question := step(journey)) is not None:
        value = citizen.fact(question.fact)
        journey = journey.not_known(question.fact) if value is None else journey.answer(question.fact, value)
    return journey


def timed_steps(people: list[Citizen], step: Callable[[guide.Journey], guide.Question | None]) -> list[float]:
    """Milliseconds each step of every journey took (after one untimed journey)."""
    spent: list[float] = []

    def timed(journey: guide.Journey) -> guide.Question | None:
        started = time.perf_counter()
        question = step(journey)
        spent.append((time.perf_counter() - started) * 1000)
        return question

    walk(people[0], step)
    for citizen in people:
        walk(citizen, timed)
    return spent


def measure_in_process(people: list[Citizen], book: rules.ScreeningBook) -> None:
    def next_only(journey: guide.Journey) -> guide.Question | None:
        return guide.next_step(journey, today()).question

    def with_results(journey: guide.Journey) -> guide.Question | None:
        found = guide.next_step(journey, today())
        public = rules.evaluation_public(found.situation, found.results, book.screen(found.situation), 20)
        guide.group(public)
        return found.question

    steps = timed_steps(people, next_only)
    print(f"(a) in process, guide.next_step: {summary(steps)} over {len(steps):,} steps")
    ends = [walk(citizen, next_only) for citizen in people]
    print(
        f"    the guide asked {statistics.mean(len(j.asked) for j in ends):.2f} questions per household, "
        f"{statistics.mean(len(j.answers) for j in ends):.2f} of them answerable from the population's facts"
    )
    steps = timed_steps(people, with_results)
    print(f"    … plus screening and grouping (the routes' work before HTTP): {summary(steps)}")


def measure_api(people: list[Citizen], client: TestClient) -> None:
    def api_step(journey: guide.Journey) -> guide.Question | None:
        body = {
            "household": journey.composition.as_dict(),
            "answers": journey.answers,
            "unknown": sorted(journey.unknown),
        }
        response = client.post("/api/v1/guide/steps", json=body)
        assert response.status_code == 200, response.text
        question = response.json()["question"]
        if question is None:
            return None
        fact = question["fact"]
        return guide.Question(fact, question["text"], guide.input_for(fact), question["number"], 0)

    steps = timed_steps(people, api_step)
    print(f"(b) POST /api/v1/guide/steps through the ASGI app: {summary(steps)} over {len(steps):,} steps")


def _form_value(fact: str, value: Any) -> str:
    shown = guide.input_for(fact)
    if isinstance(value, bool):
        return "true" if value else "false"
    if shown.kind == "money":
        return str(int(value) // 10_000)
    return str(value)


def html_journey(client: TestClient, citizen: Citizen, spent: list[float], results: list[float]) -> None:
    """The HTML journey of one citizen; each step's milliseconds added to ``spent``."""
    client.cookies.clear()
    page = client.get("/guide").text
    composition = citizen.composition
    form = {"spouse": "yes" if composition.spouse else "", "children": str(composition.children)}
    started = time.perf_counter()
    sent = client.post(
        "/guide/start", data={"csrf_token": _found(_CSRF, page), **form}, follow_redirects=False
    )
    while True:
        assert sent.status_code == 303, sent.text
        shown = client.get(sent.headers["location"], follow_redirects=False)
        spent.append((time.perf_counter() - started) * 1000)
        if shown.status_code == 303:
            break
        page = shown.text
        fact = _found(_FACT, page)
        value = citizen.fact(fact)
        data = {
            "csrf_token": _found(_CSRF, page),
            "fact": fact,
            "action": "unknown" if value is None else "answer",
        }
        if value is not None:
            data["value"] = _form_value(fact, value)
        started = time.perf_counter()
        sent = client.post("/guide/answer", data=data, follow_redirects=False)
    assert shown.headers["location"] == "/guide/results", shown.headers
    started = time.perf_counter()
    assert client.get("/guide/results").status_code == 200
    results.append((time.perf_counter() - started) * 1000)


def _found(pattern: re.Pattern[str], page: str) -> str:
    match = pattern.search(page)
    assert match, f"{pattern.pattern} not on the page"
    return match.group(1)


def measure_html(people: list[Citizen], client: TestClient) -> None:
    html_journey(client, people[0], [], [])  # warm-up
    steps: list[float] = []
    results: list[float] = []
    for citizen in people:
        html_journey(client, citizen, steps, results)
    print(
        f"(c) HTML journey, POST /guide/answer + the GET it leads to: {summary(steps)} over {len(steps):,} "
        f"steps; GET /guide/results: p50 {statistics.median(results):.2f} ms, max {max(results):.2f} ms "
        f"over {len(results)} journeys"
    )


def settings_in(folder: Path) -> Settings:
    """Every path in ``folder``; Nara's database a SQLite file there (the registries stay empty)."""
    keys = folder / "keys"
    return Settings(
        env="test",
        database_url=f"sqlite:///{folder / 'nara.db'}",
        secret_key=secrets.token_urlsafe(32),
        registry_url=f"sqlite:///{folder / 'registries'}/{{agency}}.db",
        registry_keys_dir=keys,
        audit_key_path=keys / "audit.pem",
        download_key_path=keys / "download.pem",
        provider_key_path=keys / "provider.pem",
        outbox_path=folder / "outbox" / "sms.jsonl",
        public_url=PUBLIC_URL,
    )


@contextmanager
def served(folder: Path, book: rules.ScreeningBook) -> Iterator[TestClient]:
    """The app (tables made with ``METADATA.create_all``), screening with ``book``, behind a TestClient."""
    settings = settings_in(folder)
    engine = make_engine(settings.database_url)
    METADATA.create_all(engine)
    with session_factory(engine)() as session, session.begin():
        catalog.do_seed_catalog(session)  # the curated catalog: what the assistant searches
    engine.dispose()
    app = create_app(settings)
    state: AppState = app.state.nara
    app.state.nara = dataclasses.replace(state, search=GivenScreening(state.sessions, book))
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

    with TestClient(app, base_url=PUBLIC_URL) as client:
        yield client


ASSISTANT_OPENINGS = (
    "혼자 사는 70대 어머니가 받을 수 있는 거 알려줘",
    "아기 낳으면 받는 돈 있어요?",
    "기초연금 어디서 신청해요",
    "실직했는데 도움 받을 수 있는 거",
    "장애인 연금 받을 수 있나요",
)
ASSISTANT_FOLLOW_UPS = ("한 달에 100만 원이요", "잘 모르겠어요", "네")


def measure_assistant(client: TestClient, rounds: int) -> None:
    """Server time per assistant turn: ``POST /api/v1/assistant/messages``, each opening followed by up to
    three answers (the state handed back each time), after one untimed round."""
    spent: list[float] = []
    for round_number in range(rounds + 1):
        for opening in ASSISTANT_OPENINGS:
            state = None
            for message in (opening, *ASSISTANT_FOLLOW_UPS):
                began = time.perf_counter()
                body = client.post(
                    "/api/v1/assistant/messages", json={"message": message, "state": state}
                ).json()
                if round_number:
                    spent.append((time.perf_counter() - began) * 1000)
                state = body["state"]
    print(f"(d) assistant turn, POST /api/v1/assistant/messages: {summary(spent)} over {len(spent):,} turns")


# --- 2. questions --------------------------------------------------------------------------------------


def interview_of(document: dict[str, Any]) -> Interview:
    return interview(rules.parse_situation(document, today=ON))


def report_questions(runs: list[Interview], seconds: float) -> None:
    greedy = [run.questions for run in runs]
    static = [run.static_questions for run in runs]
    revealed = [run.revealed_questions for run in runs]
    over_cap = sum(q > guide.MAX_QUESTIONS for q in greedy)
    mean = statistics.mean(greedy)
    print(
        f"questions to a full answer over {len(runs):,} synthetic households ({len(rules.rulebook())} full "
        f"rules; {seconds:.0f} s in 2 processes, while the app was set up):\n"
        f"  greedy next question: average {mean:.2f} (median {statistics.median(greedy):.0f}, "
        f"max {max(greedy)}); sound (same decisions as full information): {all(r.sound for r in runs)}\n"
        f"  static form (every fact, every member): average {statistics.mean(static):.2f} "
        f"({statistics.mean(static) / mean:.2f}x the greedy)\n"
        f"  revealed form (every relevant fact, each shown once relevant): average "
        f"{statistics.mean(revealed):.2f} ({statistics.mean(revealed) / mean:.2f}x the greedy)\n"
        f"  more than the guide's {guide.MAX_QUESTIONS} questions: {over_cap:,} households "
        f"({over_cap / len(runs):.0%}); the guide shows them the results after {guide.MAX_QUESTIONS}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=1000, help="synthetic households interviewed")
    parser.add_argument("--journeys", type=int, default=20, help="households whose guide steps are timed")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--assistant-rounds", type=int, default=10, help="rounds of the assistant dialogues")
    parser.add_argument("--dump", type=Path, default=DUMP, help="national catalog dump (screening rules)")
    args = parser.parse_args(argv)
    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}; figures are noisy "
        "(a shared 2-core machine: ±10–20 % between runs, more at p99); "
        f"load average {os.getloadavg()[0]:.1f} at the start"
    )
    started = time.perf_counter()

    def elapsed() -> None:
        print(f"  [{time.perf_counter() - started:.0f} s since the start]")

    with tempfile.TemporaryDirectory() as name, ProcessPoolExecutor(max_workers=2) as pool:
        folder = Path(name)
        people = citizens(max(args.households, args.journeys), args.seed, folder)
        print(f"population: {len(people):,} households (seed {args.seed}, on {ON})")
        # the interviews run first, in two processes, while the untimed set-up goes on; every timing waits
        # for them to end, so nothing else competes for the two cores then
        submitted = time.perf_counter()
        pending = pool.map(interview_of, [c.document for c in people[: args.households]], chunksize=25)
        sources = screening_sources(args.dump) if args.dump.exists() else []
        book = rules.ScreeningBook(sources)
        with served(folder, book) as client:
            report_questions(list(pending), time.perf_counter() - submitted)
            print(f"screening rules: {book.size:,}" + ("" if sources else f" (no dump at {args.dump})"))
            elapsed()
            journeys = people[: args.journeys]
            measure_in_process(journeys, book)
            elapsed()
            measure_api(journeys, client)
            elapsed()
            measure_html(journeys, client)
            elapsed()
            measure_assistant(client, args.assistant_rounds)
            elapsed()
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
