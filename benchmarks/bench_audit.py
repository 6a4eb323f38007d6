"""Audit service benchmark: ingestion through RecordEvents vs a raw psycopg insert, and deep keyset pages.

1. Ingestion. The audit service runs as its own process (`python -m services.audit`) on a freshly
   provisioned and migrated database. The client sends INGEST_EVENTS events in batches of BATCH
   through RecordEvents (validation, tenant chain-head lock, dedup, hashing, insert, all end to end).
   Baseline, same run, same tables: a raw psycopg connection inserting the same kind of rows in
   the same batches with executemany, computing the same chain hashes (services.audit.domain), into
   learning_audit_log and audit_event_ids. The two alternate in ROUNDS rounds so that both see the
   same machine load. Reported: events/s of each and the ratio (target >= 50 %).
2. Deep pages. One tenant gets 1,000,000 events, bulk-loaded in SQL with generate_series (valid rows
   spread over ~9.5 months of partitions; their hashes are placeholders: the list path never reads
   them). ListAuditEvents (page_size 50) is timed for the first page and for a page 500,000 rows
   deep, reached with a page token built from that row's key (what a client holding the token
   sends). Reported: median latencies and deep/first (target <= 1.5).
3. Verification (issue 11). One tenant gets a VALID chain of VERIFY_EVENTS events (500,000), written with
   COPY (canonical bytes and hashes computed on the way), with its head row and a signed checkpoint every
   1,000 events (the service's default). VerifyAuditLog of the whole chain (hash pass, every checkpoint,
   the default content sample) is timed (events/s, target >= 200,000), then the incremental verification
   from the last checkpoint (what a client that remembers it runs), and the full content check's rate.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import psycopg
from psycopg.types.json import Jsonb

from benchmarks.load import median_ms
from learning.audit.v1 import audit_service_pb2 as pb
from learning.audit.v1 import audit_service_pb2_grpc as pb_grpc
from services.audit import domain
from services.audit.api import LIST_TOKENS
from services.audit.domain import ListFilters
from services.audit.main import DEFINITION
from shared import checkpoints
from shared.auth import TokenMinter, generate_keypair
from shared.db import libpq_url
from shared.migrations import migrate
from shared.provision import drop, provision
from shared.service_keys import DevIdentity
from shared.signing import SigningKey
from shared.timeutil import format_micros, now_millis, to_timestamp

ROOT = Path(__file__).resolve().parent.parent
INGEST_EVENTS = int(os.environ.get("BENCH_AUDIT_INGEST_EVENTS", "20000"))
BATCH = 500
ROUNDS = 8
DEEP_EVENTS = int(os.environ.get("BENCH_AUDIT_DEEP_EVENTS", "1000000"))
DEEP_OFFSET = DEEP_EVENTS // 2
PAGE = 50
REPEATS = 30
ISSUER, AUDIENCE = "learning-bench", "learning"


def run(admin_url: str) -> None:
    database = provision(admin_url, "audit", suffix=f"_bench{uuid.uuid4().hex[:6]}")
    try:
        migrate(DEFINITION.migrations, database.owner_url, database.runtime_url, DEFINITION.append_only_tables)
        identity = DevIdentity(issuer=ISSUER, audience=AUDIENCE, services=["assessment"])  # users', a service's keys
        minter = identity.user_minter
        checkpoint_pem = generate_keypair()[0]
        checkpoint_key = SigningKey.load(checkpoint_pem, purpose="bench")
        server = start_server(database, identity, checkpoint_pem)
        try:
            with grpc.insecure_channel(server.address) as channel:
                stub = pb_grpc.AuditServiceStub(channel)
                bench_ingestion(stub, minter, database, identity.service_token("assessment"))
                bench_deep_pages(stub, minter, database)
                bench_verify(stub, minter, database, checkpoint_key)
        finally:
            server.process.terminate()
            server.process.wait(30)
    finally:
        drop(admin_url, database.database)


# --- server process --------------------------------------------------------------------------------

class Server:
    def __init__(self, process: subprocess.Popen, address: str) -> None:
        self.process, self.address = process, address


def start_server(database, identity: DevIdentity, checkpoint_pem: str) -> Server:
    env = {**os.environ, "AUDIT_DATABASE_URL": database.runtime_url, "AUDIT_MIGRATE_ON_START": "false",
           "AUDIT_LISTEN_ADDRESS": "127.0.0.1:0", "AUDIT_METRICS_ADDRESS": "127.0.0.1:0",
           **identity.env("audit", "AUDIT_"), "AUDIT_LOG_LEVEL": "WARNING",
           "AUDIT_CHECKPOINT_SIGNING_KEY": checkpoint_pem}
    process = subprocess.Popen([sys.executable, "-m", "services.audit"], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    for line in process.stdout:
        event = json.loads(line) if line.startswith("{") else {}
        if event.get("event") == "serving":
            return Server(process, event["address"])
    raise RuntimeError(f"audit server exited with {process.wait()}")


# --- ingestion ----------------------------------------------------------------------------------------

def make_events(tenants: list[str], count: int) -> list[pb.AuditEvent]:
    now = datetime.now(UTC) - timedelta(minutes=1)
    events = []
    for i in range(count):
        event = pb.AuditEvent(
            event_id=str(uuid.uuid4()), tenant_id=tenants[(i // BATCH) % len(tenants)], actor_id=f"user-{i % 97}",
            action="quiz.scored", subject_type="quiz_attempt", subject_id=str(uuid.uuid4()),
            occur_time=to_timestamp(now + timedelta(microseconds=i)), source_service="assessment",
        )
        event.payload.update({"score": 0.8, "max_score": 10, "attempt": i % 5 + 1, "passed": True})
        events.append(event)
    return events


def bench_ingestion(stub, minter: TokenMinter, database, service_token: str) -> None:
    service_md = (("authorization", f"Bearer {service_token}"),)  # the assessment service, its events' source
    rpc_tenants = [f"bench-rpc-{i}" for i in range(4)]
    verdicts: list[pb.VerifyAuditLogResponse] = []
    raw_tenants = [f"bench-raw-{i}" for i in range(4)]
    rpc_events = make_events(rpc_tenants, INGEST_EVENTS + BATCH)
    raw_events = make_events(raw_tenants, INGEST_EVENTS + BATCH)
    rpc_batches = [pb.RecordEventsRequest(events=rpc_events[i:i + BATCH]) for i in range(0, len(rpc_events), BATCH)]
    raw_batches = [raw_events[i:i + BATCH] for i in range(0, len(raw_events), BATCH)]

    def through_rpc(batches) -> None:
        for request in batches:
            stub.RecordEvents(request, metadata=service_md, timeout=60)

    with psycopg.connect(libpq_url(database.runtime_url)) as conn:
        heads: dict[str, domain.ChainHead] = {}

        def raw(batches) -> None:
            for batch in batches:
                raw_insert(conn, batch, heads)

        raw(raw_batches[:1])  # warm-up: connection, plans, partitions
        through_rpc(rpc_batches[:1])
        # Alternate the two in rounds, so both see the same load on a shared machine.
        rpc_times, raw_times = [], []
        per_round = max(1, (len(rpc_batches) - 1) // ROUNDS)
        for start in range(1, len(rpc_batches), per_round):
            rpc_times.append(timed(lambda: through_rpc(rpc_batches[start:start + per_round])))
            raw_times.append(timed(lambda: raw(raw_batches[start:start + per_round])))
        rpc_rate, raw_rate = INGEST_EVENTS / sum(rpc_times), INGEST_EVENTS / sum(raw_times)
        round_ratios = sorted(raw / rpc for rpc, raw in zip(rpc_times, raw_times))
    auditor_md = (("authorization", f"Bearer {minter.mint(subject='auditor', tenant_id=rpc_tenants[0], roles=['auditor'])}"),)
    verify_seconds = timed(lambda: verdicts.append(stub.VerifyAuditLog(
        pb.VerifyAuditLogRequest(tenant_id=rpc_tenants[0]), metadata=auditor_md, timeout=600)))
    assert verdicts[0].valid, verdicts[0].first_failure
    print(f"audit ingestion, {INGEST_EVENTS} events in batches of {BATCH}:")
    print(f"  RecordEvents end to end     {rpc_rate:10,.0f} events/s")
    print(f"  raw psycopg executemany     {raw_rate:10,.0f} events/s   (same tables, same hashes)")
    print(f"  ratio RecordEvents / raw    {rpc_rate / raw_rate:10.0%}   (target >= 50%; per round: "
          f"median {statistics.median(round_ratios):.0%}, min {round_ratios[0]:.0%}, max {round_ratios[-1]:.0%})",
          flush=True)
    checked = verdicts[0].events_checked
    print(f"  (VerifyAuditLog of one tenant's {checked:,} events: {verify_seconds:.2f} s, "
          f"{checked / verify_seconds:,.0f} events/s)", flush=True)


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


RAW_LOG = (
    "INSERT INTO learning_audit_log (tenant_id, occur_time, sequence, event_id, actor_id, action, subject_type, "
    "subject_id, source_service, payload, previous_hash, event_hash, canonical) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
RAW_IDS = "INSERT INTO audit_event_ids (tenant_id, event_id, sequence, occur_time) VALUES (%s, %s, %s, %s)"


def raw_insert(conn: psycopg.Connection, batch: list[pb.AuditEvent], heads: dict[str, domain.ChainHead]) -> None:
    from services.audit.validate import struct_to_python
    from shared.timeutil import from_timestamp

    contents = [domain.EventContent(e.event_id, e.tenant_id, e.actor_id, e.action, e.subject_type, e.subject_id,
                                    from_timestamp(e.occur_time), e.source_service, struct_to_python(e.payload))
                for e in batch]
    tenant = contents[0].tenant_id
    chained, heads[tenant] = domain.link_all(contents, heads.get(tenant, domain.ChainHead()))
    with conn.cursor() as cur:
        cur.executemany(RAW_IDS, [(c.content.tenant_id, c.content.event_id, c.sequence, c.content.occur_time)
                                  for c in chained])
        cur.executemany(RAW_LOG, [
            (c.content.tenant_id, c.content.occur_time, c.sequence, c.content.event_id, c.content.actor_id,
             c.content.action, c.content.subject_type, c.content.subject_id, c.content.source_service,
             Jsonb(c.content.payload), c.previous_hash, c.event_hash, c.canonical) for c in chained])
    conn.commit()


# --- deep pages ------------------------------------------------------------------------------------------

BULK_LOAD = """
INSERT INTO {table}
SELECT %(tenant)s, %(base)s::timestamptz + g * interval '25 seconds', g, {columns}
FROM generate_series(1, %(count)s) AS g
"""
LOG_COLUMNS = ("md5(g::text)::uuid, 'user-' || mod(g, 1000), "
               "CASE WHEN mod(g, 3) = 0 THEN 'quiz.scored' ELSE 'course.published' END, 'course', "
               "'course-' || mod(g, 5000), 'catalog', jsonb_build_object('n', g), "
               "encode(sha256(int8send(g - 1)), 'hex'), encode(sha256(int8send(g)), 'hex'), int8send(g), now()")


def bench_deep_pages(stub, minter: TokenMinter, database) -> None:
    tenant = "bench-deep"
    base = datetime.now(UTC) - timedelta(seconds=25 * DEEP_EVENTS + 3600)
    started = time.perf_counter()
    with psycopg.connect(libpq_url(database.owner_url)) as conn:
        params = {"tenant": tenant, "base": base, "count": DEEP_EVENTS}
        conn.execute(BULK_LOAD.format(table="learning_audit_log", columns=LOG_COLUMNS), params)
        conn.execute("INSERT INTO audit_event_ids SELECT %(tenant)s, md5(g::text)::uuid, g, "
                     "%(base)s::timestamptz + g * interval '25 seconds' FROM generate_series(1, %(count)s) AS g",
                     params)
        conn.execute("INSERT INTO audit_chain_heads (tenant_id, last_sequence, last_hash) "
                     "VALUES (%s, %s, encode(sha256(int8send(%s::bigint)), 'hex'))", (tenant, DEEP_EVENTS, DEEP_EVENTS))
        conn.commit()
        conn.autocommit = True
        conn.execute("ANALYZE learning_audit_log")
        conn.execute("ANALYZE audit_event_ids")
        deep_key = conn.execute(
            "SELECT occur_time, sequence FROM learning_audit_log WHERE tenant_id = %s "
            "ORDER BY occur_time DESC, sequence DESC OFFSET %s LIMIT 1", (tenant, DEEP_OFFSET - 1)).fetchone()
    load_seconds = time.perf_counter() - started

    md = (("authorization", f"Bearer {minter.mint(subject='auditor-1', tenant_id=tenant, roles=['auditor'])}"),)
    first_request = pb.ListAuditEventsRequest(tenant_id=tenant, page_size=PAGE)
    deep_token = LIST_TOKENS.encode(deep_key, LIST_TOKENS.scope(tenant, ListFilters()))  # what the client would hold
    deep_request = pb.ListAuditEventsRequest(tenant_id=tenant, page_size=PAGE, page_token=deep_token)
    deep_page = stub.ListAuditEvents(deep_request, metadata=md)
    assert deep_page.events[0].sequence == deep_key[1] - 1 and len(deep_page.events) == PAGE
    first = median_ms(lambda: stub.ListAuditEvents(first_request, metadata=md), REPEATS)
    deep = median_ms(lambda: stub.ListAuditEvents(deep_request, metadata=md), REPEATS)
    actor_first = median_ms(lambda: stub.ListAuditEvents(
        pb.ListAuditEventsRequest(tenant_id=tenant, page_size=PAGE, actor_id="user-7"), metadata=md), REPEATS)
    print(f"ListAuditEvents over {DEEP_EVENTS:,} events of one tenant (loaded in {load_seconds:.0f} s), "
          f"page_size {PAGE}, median of {REPEATS}:")
    print(f"  first page                  {first:8.2f} ms")
    print(f"  page {DEEP_OFFSET:,} rows deep     {deep:8.2f} ms")
    print(f"  ratio deep / first          {deep / first:8.2f}    (target <= 1.5)")
    print(f"  (first page filtered by actor: {actor_first:.2f} ms)", flush=True)


# --- verification ------------------------------------------------------------------------------------------

VERIFY_EVENTS = int(os.environ.get("BENCH_AUDIT_VERIFY_EVENTS", "500000"))
CHECKPOINT_EVERY = 1000
FULL_CONTENT_EVENTS = 20_000
# The canonical bytes of the generated events, RFC 8785 by construction (sorted keys, ASCII, integral n);
# checked once against services.audit.domain.canonical_bytes below.
CANONICAL = ('{{"action":"quiz.scored","actor_id":"user-{actor}","event_id":"{event_id}","occur_time":"{time}",'
             '"payload":{{"n":{n}}},"previous_hash":"{previous}","sequence":{n},"source_service":"assessment",'
             '"subject_id":"attempt-{n}","subject_type":"quiz_attempt","tenant_id":"{tenant}"}}')


def load_verify_chain(database, tenant: str, key: SigningKey, count: int = VERIFY_EVENTS) -> float:
    """COPY a valid chain of `count` events (one every 25 s, across the monthly partitions), its ids, its
    head row and a signed checkpoint every CHECKPOINT_EVERY events; returns the seconds it took."""
    started = time.perf_counter()
    base = datetime.now(UTC) - timedelta(seconds=25 * count + 3600)
    previous, signed, ids = "", [], []
    with psycopg.connect(libpq_url(database.owner_url), autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        with conn.cursor() as cursor, cursor.copy(
                "COPY learning_audit_log (tenant_id, occur_time, sequence, event_id, actor_id, action, subject_type, "
                "subject_id, source_service, payload, previous_hash, event_hash, canonical) FROM STDIN") as copy:
            for n in range(1, count + 1):
                event_id, occurred = str(uuid.uuid4()), base + timedelta(seconds=25 * n)
                canonical = CANONICAL.format(actor=n % 1000, event_id=event_id, time=format_micros(occurred), n=n,
                                             previous=previous, tenant=tenant).encode()
                event_hash = hashlib.sha256(canonical).hexdigest()
                copy.write_row((tenant, occurred, n, event_id, f"user-{n % 1000}", "quiz.scored", "quiz_attempt",
                                f"attempt-{n}", "assessment", json.dumps({"n": n}), previous, event_hash, canonical))
                ids.append((tenant, event_id, n, occurred))
                if n == 1:
                    content = domain.EventContent(event_id, tenant, "user-1", "quiz.scored", "quiz_attempt",
                                                  "attempt-1", occurred, "assessment", {"n": 1.0})
                    assert domain.canonical_bytes(content, 1, "") == canonical, "the template is not RFC 8785"
                if n % CHECKPOINT_EVERY == 0:
                    signed.append(checkpoints.sign(key, log=checkpoints.AUDIT_LOG, tenant_id=tenant, sequence=n,
                                                   head_hash=event_hash, time=now_millis()))
                previous = event_hash
        with conn.cursor() as cursor, cursor.copy(
                "COPY audit_event_ids (tenant_id, event_id, sequence, occur_time) FROM STDIN") as copy:
            for row in ids:
                copy.write_row(row)
        conn.execute("INSERT INTO audit_chain_heads (tenant_id, last_sequence, last_hash) VALUES (%s, %s, %s)",
                     (tenant, count, previous))
        with conn.cursor() as cursor:
            cursor.executemany("INSERT INTO audit_checkpoints (tenant_id, sequence, head_hash, checkpoint_time, "
                               "key_id, payload, signature) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                               [(c.tenant_id, c.sequence, c.head_hash, c.time, c.key_id, c.payload, c.signature)
                                for c in signed])
        conn.execute("VACUUM ANALYZE learning_audit_log")  # as autovacuum would have long since: visibility map
    return time.perf_counter() - started


def bench_verify(stub, minter: TokenMinter, database, key: SigningKey) -> None:
    tenant = "bench-verify"
    load_seconds = load_verify_chain(database, tenant, key)
    md = (("authorization", f"Bearer {minter.mint(subject='auditor-1', tenant_id=tenant, roles=['auditor'])}"),)

    def verify(**kwargs) -> pb.VerifyAuditLogResponse:
        verdict = stub.VerifyAuditLog(pb.VerifyAuditLogRequest(tenant_id=tenant, **kwargs), metadata=md, timeout=600)
        assert verdict.valid, verdict.first_failure
        return verdict

    verify(to_sequence=10_000)  # warm-up: connection, plans
    whole = [timed(lambda: verify()) for _ in range(3)]
    verdict = verify()
    incremental = median_ms(lambda: verify(from_sequence=VERIFY_EVENTS - CHECKPOINT_EVERY + 1), REPEATS)
    full_seconds = timed(lambda: verify(to_sequence=FULL_CONTENT_EVENTS, full_content_check=True))
    rate = VERIFY_EVENTS / statistics.median(whole)
    print(f"VerifyAuditLog of one tenant's chain of {VERIFY_EVENTS:,} events (loaded in {load_seconds:.0f} s), "
          f"{verdict.checkpoints_checked} signed checkpoints, content sample of {verdict.events_content_checked}:")
    print(f"  whole chain                 {statistics.median(whole):8.2f} s   {rate:10,.0f} events/s   "
          f"(target >= 200,000; runs: {', '.join(f'{t:.2f}' for t in whole)} s)")
    print(f"  incremental, last {CHECKPOINT_EVERY:,} events from the last checkpoint: {incremental:.1f} ms (median of "
          f"{REPEATS})")
    print(f"  full content check          {FULL_CONTENT_EVENTS / full_seconds:10,.0f} events/s   "
          f"(every event re-encoded; {FULL_CONTENT_EVENTS:,} events)", flush=True)
