"""Assessment service benchmark (issue 10, "Speed"): answering, and whole training sessions to evidence.

One course is published in the catalog for both parts: MODULES modules, each with a quiz of QUESTIONS
single-choice questions (5 x 10 = 50 session items). Every service runs as its own process
(`python -m services.<name>`) on a freshly provisioned and migrated database.

1. SubmitTrainingAnswer round trip. Catalog and assessment run (relays off); many sessions are started
   beforehand, each with its own learner token, and answered in parallel: IN_FLIGHT calls outstanding
   (benchmarks/load.py), every call the next unanswered item of the next session in turn, so no two
   calls repeat an answer. The course content is cached by the assessment service after the first call.
   Baseline, same run, alternating rounds: the bare grpc.aio handler that INSERTs one row
   (benchmarks/bare_server.py /bench.Bare/Insert, on the catalog database). RPC/s, p50/p99, server CPU
   per RPC, client CPU per RPC, how busy the machine was, and the ratio.
2. Whole sessions. All five services run with their outbox relays on (poll every OUTBOX_POLL seconds).
   CONCURRENT learners at a time run SESSIONS sessions in all: StartTrainingSession, 50 answers in
   order, EvaluateTrainingSession (passed: the outbox gets the evidence, the progress event and the
   audit event), then GetTrainingEvidenceBySession is polled every EVIDENCE_POLL seconds until the
   evidence service holds the record. Reported: sessions per second, the phases of a session, and the
   share of CPU of every service process over the measured run (utime + stime from /proc/<pid>/stat,
   before and after; process trees, so worker children would count), of the PostgreSQL backends serving
   the five databases (their pids from pg_stat_activity; PostgreSQL's own background processes, shared
   with any other database of the server, are not counted) and of this client. Baseline, same run,
   alternating rounds: the same call pattern (52 sequential calls per "session", CONCURRENT chains at
   a time) against the bare INSERT handler.

Environment overrides for longer runs: BENCH_ASSESSMENT_SECONDS (per line and round of part 1),
BENCH_ASSESSMENT_ROUNDS, BENCH_ASSESSMENT_SESSIONS, BENCH_ASSESSMENT_CONCURRENT, BENCH_ASSESSMENT_POLL.
"""

from __future__ import annotations

import asyncio
import importlib
import math
import os
import socket
import statistics
import sys
import time
import uuid
from collections import deque
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import psycopg

from benchmarks.bench_progress import _Author
from benchmarks.bench_request_path import AUDIENCE, ISSUER, _Process, bare_process
from benchmarks.load import CHANNELS, Call, drive, machine_cpu_seconds, process_tree_cpu_seconds
from learning.assessment.v1 import assessment_resources_pb2 as ares
from learning.assessment.v1 import assessment_service_pb2 as asvc
from learning.assessment.v1 import assessment_service_pb2_grpc as agrpc
from learning.catalog.v1 import catalog_resources_pb2 as cat
from learning.catalog.v1 import catalog_service_pb2 as cat_svc
from learning.catalog.v1 import catalog_service_pb2_grpc as cat_grpc
from learning.evidence.v1 import evidence_service_pb2 as ev
from learning.evidence.v1 import evidence_service_pb2_grpc as ev_grpc
from shared.auth import TokenMinter
from shared.migrations import migrate
from shared.provision import drop, provision
from shared.service_keys import DevIdentity

MODULES, QUESTIONS = 5, 10
ITEMS = MODULES * QUESTIONS
IN_FLIGHT = 64
SECONDS = float(os.environ.get("BENCH_ASSESSMENT_SECONDS", "2"))
ROUNDS = int(os.environ.get("BENCH_ASSESSMENT_ROUNDS", "3"))
WARMUP = 0.5
SESSIONS = int(os.environ.get("BENCH_ASSESSMENT_SESSIONS", "40"))
CONCURRENT = int(os.environ.get("BENCH_ASSESSMENT_CONCURRENT", "8"))
OUTBOX_POLL = os.environ.get("BENCH_ASSESSMENT_POLL", "0.05")
EVIDENCE_POLL = 0.02
IDLE_SECONDS = 2.0  # part 2: each process's CPU with nothing to do (the relays polling) is sampled this long
SESSION_ROUNDS = 2  # part 2: the sessions and the baseline alternate in this many rounds
PER_SESSION_PER_ROUND = 10  # part 1: at most this many answers per session and round (sessions are topped up)
SERVICES = ("audit", "evidence", "catalog", "progress", "assessment")  # start order: targets first
TENANT = "bench-assessment"
ASSESSMENT = "/learning.assessment.v1.AssessmentService/"
POLICY = ares.TrainingPolicy(pass_threshold=0.8, max_attempts=2, role_profile_id="category-buyer",
                             role_profile_version=1, app_version="1.0.0")


def run(admin_url: str) -> None:
    suffix = f"_bench{uuid.uuid4().hex[:6]}"
    databases = {}
    try:
        for name in SERVICES:
            definition = importlib.import_module(f"services.{name}.main").DEFINITION
            databases[name] = provision(admin_url, name, suffix=suffix)
            migrate(definition.migrations, databases[name].owner_url, databases[name].runtime_url,
                    definition.append_only_tables)
        identity = DevIdentity(issuer=ISSUER, audience=AUDIENCE)  # users' and each service's own keys
        minter = identity.user_minter
        keys = {"LOG_LEVEL": "WARNING", "MIGRATE_ON_START": "false",
                "SHUTDOWN_GRACE_SECONDS": "2", "OUTBOX_POLL_SECONDS": OUTBOX_POLL}
        # Part 1: catalog and assessment only, relays off: the answer path alone.
        with ExitStack() as stack:
            catalog_address, _ = stack.enter_context(_service("catalog", databases, keys, identity, relay=False))
            course = publish(catalog_address, minter)
            address, pid = stack.enter_context(_service("assessment", databases, keys, identity, relay=False,
                                                        catalog_address=catalog_address))
            bare = stack.enter_context(bare_process(databases["catalog"]))
            bench_answers(address, pid, bare, course, minter)
        # Part 2: the five services with their relays, on fixed ports so that each finds the others.
        addresses = {name: f"127.0.0.1:{_free_port()}" for name in SERVICES}
        with ExitStack() as stack:
            pids = {}
            for name in SERVICES:
                _, pids[name] = stack.enter_context(_service(name, databases, keys, identity, relay=True,
                                                             addresses=addresses))
            bare = stack.enter_context(bare_process(databases["catalog"]))
            bench_sessions(addresses, pids, bare, course, minter, admin_url,
                           [d.database for d in databases.values()])
    finally:
        for database in databases.values():
            drop(admin_url, database.database)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _service(name: str, databases, keys: dict[str, str], identity: DevIdentity, *, relay: bool,
             addresses: dict[str, str] | None = None, **others: str) -> _Process:
    env = {**keys, "DATABASE_URL": databases[name].runtime_url, "OUTBOX_RELAY_ENABLED": str(relay).lower(),
           "LISTEN_ADDRESS": (addresses or {}).get(name, "127.0.0.1:0"), "METRICS_ADDRESS": "127.0.0.1:0",
           **{f"{other.upper()}_ADDRESS": a for other, a in (addresses or {}).items() if other != name},
           **{key.upper(): value for key, value in others.items()}}
    prefix = f"{name.upper()}_"
    return _Process([sys.executable, "-m", f"services.{name}"],
                    {**{prefix + k: v for k, v in env.items()}, **identity.env(name, prefix)})


@dataclass(frozen=True)
class Course:
    course_id: str
    version: int


def publish(address: str, minter: TokenMinter) -> Course:
    """MODULES modules with a topic area each, each with a quiz of QUESTIONS single-choice questions ("a" right)."""
    from tests.catalog.conftest import Catalog  # the same builders the catalog tests use

    with grpc.insecure_channel(address) as channel:
        catalog = Catalog(cat_grpc.CatalogServiceStub(channel), _Author(minter), TENANT)
        course = catalog.course("Assessment benchmark")
        for m in range(MODULES):
            module = catalog.module(course.course_id, title=f"Module {m}", topic_area=f"topic-{m}")
            catalog.quiz(module.module_id, title=f"Quiz {m}", questions=[
                cat.QuizQuestion(prompt=f"Question {m}.{q}: which option is right?", multiple_choice=cat.MultipleChoice(
                    options=[cat.Option(key="a", text="The right one"), cat.Option(key="b", text="A wrong one"),
                             cat.Option(key="c", text="Another wrong one")], correct_keys=["a"]))
                for q in range(QUESTIONS)])
        published = catalog.publish(course.course_id)
    return Course(course.course_id, published.published_version)


# --------------------------------------------------------------------------------------------------------
# Sessions, as a learner's client sees them
# --------------------------------------------------------------------------------------------------------

@dataclass
class Learner:
    employee_id: str
    md: tuple
    session_id: str = ""
    items: list[str] = field(default_factory=list)
    pending: deque = field(default_factory=deque)
    repeats: int = 0

    def answer(self) -> asvc.SubmitTrainingAnswerRequest:
        # Out of items (only if the sizing below was wrong): answer the last one again (the retry path).
        if not self.pending:
            self.repeats += 1
        item = self.pending.popleft() if self.pending else self.items[-1]
        return asvc.SubmitTrainingAnswerRequest(tenant_id=TENANT, session_id=self.session_id, item_id=item,
                                                attempt_number=1, selected_option="a")


def learner(minter: TokenMinter) -> Learner:
    employee = str(uuid.uuid4())
    return Learner(employee, (("authorization", "Bearer " + minter.mint(subject=employee, tenant_id=TENANT,
                                                                       roles=["learner"])),))


async def start_session(stub, who: Learner, course: Course) -> Learner:
    session = (await stub.StartTrainingSession(asvc.StartTrainingSessionRequest(
        tenant_id=TENANT, request_id=str(uuid.uuid4()), employee_id=who.employee_id,
        course={"course_id": course.course_id, "version": course.version}, policy=POLICY),
        metadata=who.md, timeout=60)).session
    who.session_id = session.session_id
    who.items = [i.item_id for m in session.modules for i in (*m.scenarios, *m.quiz_questions)]
    who.pending = deque(who.items)
    assert len(who.items) == ITEMS, len(who.items)
    return who


async def _start_sessions(address: str, course: Course, minter: TokenMinter, count: int) -> list[Learner]:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = agrpc.AssessmentServiceStub(channel)
        gate = asyncio.Semaphore(8)

        async def one() -> Learner:
            async with gate:
                return await start_session(stub, learner(minter), course)

        return list(await asyncio.gather(*(one() for _ in range(count))))


# --------------------------------------------------------------------------------------------------------
# 1. SubmitTrainingAnswer against a bare INSERT
# --------------------------------------------------------------------------------------------------------

def bench_answers(address: str, pid: int, bare: tuple[str, int], course: Course, minter: TokenMinter) -> None:
    def answers_of(learners: list[Learner]) -> list[Call]:
        return [Call("answer", ASSESSMENT + "SubmitTrainingAnswer", None,
                     asvc.SubmitTrainingAnswerRequest.SerializeToString, asvc.SubmitTrainingAnswerResponse.FromString,
                     who.md, fresh=who.answer) for who in learners]

    def insert_request() -> cat_svc.CreateCourseRequest:
        return cat_svc.CreateCourseRequest(tenant_id=TENANT, title="Bare row")

    insert = Call("insert", "/bench.Bare/Insert", None, cat_svc.CreateCourseRequest.SerializeToString,
                  cat_svc.CreateCourseResponse.FromString, fresh=insert_request)
    began = time.perf_counter()
    learners = asyncio.run(_start_sessions(address, course, minter, 60))
    starting = time.perf_counter() - began
    # Calibration (not reported): the first answer fetches the course content; the rate sizes the rounds.
    calibration = drive(address, answers_of(learners), seconds=1.0, warmup=0.3, in_flight=IN_FLIGHT, server_pid=pid)
    rate, started = calibration.rate, len(learners)
    service = baseline = None
    for _ in range(ROUNDS):
        # Enough sessions that none runs out of items in this round (each gives at most PER_SESSION_PER_ROUND).
        needed = math.ceil(1.5 * rate * (SECONDS + WARMUP) / PER_SESSION_PER_ROUND)
        live = [who for who in learners if len(who.pending) >= PER_SESSION_PER_ROUND]
        if len(live) < needed:
            began = time.perf_counter()
            fresh = asyncio.run(_start_sessions(address, course, minter, needed - len(live)))
            starting += time.perf_counter() - began
            learners += fresh
            live += fresh
            started += len(fresh)
        one = drive(address, answers_of(live), seconds=SECONDS, warmup=WARMUP, in_flight=IN_FLIGHT, server_pid=pid)
        two = drive(bare[0], [insert], seconds=SECONDS, warmup=WARMUP, in_flight=IN_FLIGHT, server_pid=bare[1])
        rate = one.rate
        service, baseline = (one, two) if service is None else (service.merge(one), baseline.merge(two))
    print(f"SubmitTrainingAnswer (multiple choice, sessions of {ITEMS} items, content cached) vs a bare INSERT, "
          f"{IN_FLIGHT} in flight over {CHANNELS} connections, {ROUNDS} rounds of {SECONDS:.0f} s, "
          f"{started} sessions answered in parallel (started in {starting:.1f} s, 8 at a time):")
    print(f"  {'':22} {'RPC/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/RPC':>11} {'client ms':>10} "
          f"{'machine busy':>13}")
    for name, result in (("SubmitTrainingAnswer", service), ("bare INSERT", baseline)):
        print(f"  {name:22} {result.rate:8,.0f} {result.median():8.1f} {result.percentile(None, 0.99):8.1f} "
              f"{result.cpu_ms_per_rpc:11.2f} {result.client_cpu_ms_per_rpc:10.2f} {result.machine_busy:13.0%}"
              + (f"   errors {result.errors}" if result.errors else ""))
    repeats = sum(who.repeats for who in learners)  # 0 unless the sizing was wrong
    print(f"  ratio RPC/s answer / bare INSERT   {service.rate / baseline.rate:6.0%}")
    print(f"  server CPU per RPC, answer / bare  {service.cpu_ms_per_rpc / baseline.cpu_ms_per_rpc:6.1f}x"
          + (f"   ({repeats} calls repeated an answered item: too few sessions)" if repeats else ""), flush=True)


# --------------------------------------------------------------------------------------------------------
# 2. Whole sessions, five services, relays on
# --------------------------------------------------------------------------------------------------------

@dataclass
class Phases:
    start: float
    answers: float
    evaluate: float
    evidence: float  # from the evaluation's answer to the record being readable in the evidence service
    polls: int

    @property
    def total(self) -> float:
        return self.start + self.answers + self.evaluate + self.evidence


async def whole_session(assessment, evidence, auditor_md, course: Course, minter: TokenMinter) -> Phases:
    t0 = time.perf_counter()
    who = await start_session(assessment, learner(minter), course)
    t1 = time.perf_counter()
    while who.pending:
        response = await assessment.SubmitTrainingAnswer(who.answer(), metadata=who.md, timeout=60)
        assert response.answer.status == ares.ANSWER_STATUS_SCORED
    t2 = time.perf_counter()
    evaluated = await assessment.EvaluateTrainingSession(asvc.EvaluateTrainingSessionRequest(
        tenant_id=TENANT, session_id=who.session_id, attempt_number=1), metadata=who.md, timeout=60)
    assert evaluated.session.status == ares.TRAINING_SESSION_STATUS_PASSED, evaluated.session.status
    t3 = time.perf_counter()
    polls = 0
    while True:
        polls += 1
        try:
            await evidence.GetTrainingEvidenceBySession(ev.GetTrainingEvidenceBySessionRequest(
                tenant_id=TENANT, session_id=who.session_id), metadata=auditor_md, timeout=60)
            break
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND or time.perf_counter() - t3 > 60:
                raise
        await asyncio.sleep(EVIDENCE_POLL)
    return Phases(t1 - t0, t2 - t1, t3 - t2, time.perf_counter() - t3, polls)


async def _sessions(addresses, course: Course, minter: TokenMinter, count: int) -> tuple[float, list[Phases]]:
    auditor_md = (("authorization", "Bearer " + minter.mint(subject=str(uuid.uuid4()), tenant_id=TENANT,
                                                             roles=["auditor"])),)
    async with grpc.aio.insecure_channel(addresses["assessment"]) as a, \
            grpc.aio.insecure_channel(addresses["evidence"]) as e:
        assessment, evidence = agrpc.AssessmentServiceStub(a), ev_grpc.EvidenceServiceStub(e)
        left, done = count, []

        async def worker() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                done.append(await whole_session(assessment, evidence, auditor_md, course, minter))

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(min(CONCURRENT, count))))
        return time.perf_counter() - began, done


async def _bare_chains(address: str, count: int, calls_per_chain: int) -> float:
    """`count` chains of `calls_per_chain` sequential bare INSERTs, CONCURRENT chains at a time."""
    async with grpc.aio.insecure_channel(address) as channel:
        insert = channel.unary_unary("/bench.Bare/Insert",
                                     request_serializer=cat_svc.CreateCourseRequest.SerializeToString,
                                     response_deserializer=cat_svc.CreateCourseResponse.FromString)
        left = count

        async def worker() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                for _ in range(calls_per_chain):
                    await insert(cat_svc.CreateCourseRequest(tenant_id=TENANT, title="Bare row"), timeout=60)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(min(CONCURRENT, count))))
        return time.perf_counter() - began


class CpuMeter:
    """CPU seconds of each service's process tree, of the PostgreSQL backends of the given databases, of
    this process and of the whole machine, summed over the windows between start() and stop()."""

    def __init__(self, pids: dict[str, int], admin_url: str, databases: list[str]) -> None:
        self.pids, self.admin_url, self.databases = pids, admin_url, databases
        self.totals: dict[str, float] = dict.fromkeys([*pids, "PostgreSQL", "client", "machine busy", "machine"], 0.0)
        self.postgres_seen = False
        self._before: dict = {}

    def _backends(self) -> dict[int, float]:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            pids = [row[0] for row in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = ANY(%s)",
                                                   (self.databases,))]
        times = {}
        for pid in pids:
            try:
                if Path(f"/proc/{pid}/comm").read_text().strip() != "postgres":
                    continue  # another pid namespace (a container): not ours to read
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            times[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        self.postgres_seen = self.postgres_seen or bool(times)
        return times

    def _sample(self) -> dict:
        busy, total = machine_cpu_seconds()
        return {"services": {name: process_tree_cpu_seconds(pid) for name, pid in self.pids.items()},
                "backends": self._backends(), "client": time.process_time(), "machine busy": busy, "machine": total}

    def start(self) -> None:
        self._before = self._sample()

    def stop(self) -> None:
        after, before = self._sample(), self._before
        for name in self.pids:
            self.totals[name] += after["services"][name] - before["services"][name]
        # Pooled connections stay: a backend seen only after started during the window (counted from 0).
        self.totals["PostgreSQL"] += sum(t - before["backends"].get(pid, 0.0) for pid, t in after["backends"].items())
        for key in ("client", "machine busy", "machine"):
            self.totals[key] += after[key] - before[key]


def bench_sessions(addresses: dict[str, str], pids: dict[str, int], bare: tuple[str, int], course: Course,
                   minter: TokenMinter, admin_url: str, databases: list[str]) -> None:
    calls = 1 + ITEMS + 1  # start, answers, evaluate (the evidence polls come on top)
    meter = CpuMeter(pids, admin_url, databases)
    # Idle: what the relays cost when there is nothing to deliver (polling every OUTBOX_POLL seconds).
    idle = CpuMeter(pids, admin_url, databases)
    idle.start()
    time.sleep(IDLE_SECONDS)
    idle.stop()
    asyncio.run(_sessions(addresses, course, minter, 2))  # warm-up: content and structure caches, connections
    asyncio.run(_bare_chains(bare[0], 2, calls))
    seconds = bare_seconds = 0.0
    phases: list[Phases] = []
    per_round = max(1, SESSIONS // SESSION_ROUNDS)
    for _ in range(SESSION_ROUNDS):
        meter.start()
        wall, done = asyncio.run(_sessions(addresses, course, minter, per_round))
        meter.stop()
        seconds, phases = seconds + wall, phases + done
        bare_seconds += asyncio.run(_bare_chains(bare[0], per_round, calls))
    count = len(phases)

    def median_ms(values) -> float:
        return 1000 * statistics.median(values)

    print(f"whole training sessions ({MODULES} modules x {QUESTIONS} questions: start, {ITEMS} answers, evaluate, "
          f"evidence recorded), five service processes, relays polling every {OUTBOX_POLL} s, "
          f"{min(CONCURRENT, per_round)} sessions at a time, {count} sessions in {SESSION_ROUNDS} rounds:")
    print(f"  sessions to evidence          {count / seconds:8.2f} sessions/s   ({count * calls / seconds:,.0f} "
          f"assessment RPC/s)")
    print(f"  bare INSERT, same pattern     {count / bare_seconds:8.2f} \"sessions\"/s   "
          f"({calls} sequential calls each)")
    print(f"  ratio                         {bare_seconds / seconds:8.0%}")
    print(f"  one session, median: total {median_ms([p.total for p in phases]):.0f} ms = start "
          f"{median_ms([p.start for p in phases]):.1f} + {ITEMS} answers {median_ms([p.answers for p in phases]):.0f} "
          f"({median_ms([p.answers for p in phases]) / ITEMS:.1f} per answer) + evaluate "
          f"{median_ms([p.evaluate for p in phases]):.1f} + evidence visible after "
          f"{median_ms([p.evidence for p in phases]):.0f} ms ({statistics.median(p.polls for p in phases):.0f} polls)")
    totals = meter.totals
    counted = [*pids, "PostgreSQL", "client"] if meter.postgres_seen else [*pids, "client"]
    idle_rate = {name: idle.totals[name] / IDLE_SECONDS if name != "client" else 0.0 for name in counted}
    net = {name: max(0.0, totals[name] - idle_rate[name] * seconds) for name in counted}
    spent, spent_net = sum(totals[name] for name in counted), sum(net.values())
    print(f"  CPU over the measured {seconds:.1f} s (machine {totals['machine busy'] / totals['machine']:.0%} busy, "
          f"{os.cpu_count()} cores); \"net\" takes off what the process spends idle (relay polls) in as long:")
    print(f"    {'':34} {'CPU s':>7} {'ms/session':>11} {'share':>6} {'idle ms/s':>10} {'net ms/session':>15} "
          f"{'net share':>10}")
    for name in counted:
        label = {"PostgreSQL": "PostgreSQL backends (5 databases)",
                 "client": "this client (bench process)"}.get(name, name)
        print(f"    {label:34} {totals[name]:7.2f} {1000 * totals[name] / count:11.1f} {totals[name] / spent:6.0%} "
              f"{1000 * idle_rate[name]:10.1f} {1000 * net[name] / count:15.1f} {net[name] / spent_net:10.0%}")
    if not meter.postgres_seen:
        print("    (PostgreSQL's backends are not visible from here: another pid namespace; not counted)")
    print(f"    machine busy per session (everything, all cores): {1000 * totals['machine busy'] / count:.0f} ms",
          flush=True)
