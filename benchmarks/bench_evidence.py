"""Evidence service benchmarks (issue 4, "Speed"), each against a baseline measured in the same run.

1. RecordTrainingEvidence with a realistic body (5 modules x 10 quiz questions + 2 scenarios each):
   records/s through the real service (JWT check, validation, RFC 8785, SHA-256, chain lock, insert)
   versus a bare gRPC handler that parses the same request and does one plain INSERT of the same row
   (no validation, no canonical JSON, no hashing, no chain).
2. ListTrainingEvidence over 1,000,000 records of one tenant with a generatedAt range and an outcome
   filter: the first page versus a deep page reached by page token (keyset: the deep page should cost
   about the same; target <= 1.5x).
3. VerifyEvidenceChain over a chain of 1,000,000 records bulk-loaded with COPY (valid hashes, a signed
   checkpoint every 1,000): records/s of the whole chain (target >= 100,000, issue 11), an incremental
   verification from the last checkpoint, and the full content check's rate.
"""

from __future__ import annotations

import asyncio
import hashlib
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import grpc
import psycopg
from sqlalchemy import Column, MetaData, Table
from sqlalchemy.engine import make_url

from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_resources_pb2 as pb
from learning.evidence.v1 import evidence_service_pb2 as spb
from learning.evidence.v1 import evidence_service_pb2_grpc
from services.evidence import domain, tables
from services.evidence.api.training_evidence import LIST_TOKENS, list_scope
from services.evidence.main import DEFINITION, Settings, build
from shared import checkpoints, provision
from shared.auth import TokenMinter, generate_keypair
from shared.canonical import canonical_json
from shared.db import Database, libpq_url
from shared.migrations import migrate
from shared.service_keys import DevIdentity
from shared.signing import SigningKey
from tests.evidence import builders

RECORDS = 300          # per measured run
CLIENTS = 8            # concurrent callers
LIST_ROWS = 1_000_000
REPEATS = 31
ISSUER, AUDIENCE = "learning-bench", "learning"


class LoopThread:
    """An asyncio loop on its own thread, hosting the gRPC servers while sync clients drive them."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=600)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


# ------------------------------------------------------------------------------------- bare baseline

BASELINE_METHOD = "/bench.Baseline/Record"
BASELINE_TABLE = Table("baseline_evidence", MetaData(),
                       *[Column(c.name, c.type) for c in tables.training_evidence.columns])


async def start_baseline(database: Database) -> tuple[grpc.aio.Server, str]:
    """A bare grpc.aio generic handler: parse the request, one plain INSERT of the same row, reply."""
    counter = iter(range(1, 10**9))

    async def record(request: spb.RecordTrainingEvidenceRequest, context) -> spb.RecordTrainingEvidenceResponse:
        sequence = next(counter)
        async with database.transaction() as session:
            await session.execute(BASELINE_TABLE.insert().values(
                tenant_id=request.tenant_id, evidence_id=str(uuid.uuid4()), session_id=request.session_id,
                employee_id=request.employee_id, schema_version=1, session_status="passed",
                canonical_json=request.evidence.SerializeToString(), content_hash="0" * 64,
                chain_sequence=sequence, previous_hash="", chain_hash="0" * 64, generated_at=datetime.now(UTC)))
        return spb.RecordTrainingEvidenceResponse(created=True)

    handler = grpc.method_handlers_generic_handler("bench.Baseline", {
        "Record": grpc.unary_unary_rpc_method_handler(
            record, request_deserializer=spb.RecordTrainingEvidenceRequest.FromString,
            response_serializer=spb.RecordTrainingEvidenceResponse.SerializeToString)})
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, f"127.0.0.1:{port}"


def drive(call, requests) -> float:
    """records/s of `call` over `requests` with CLIENTS concurrent callers."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for _ in pool.map(call, requests):
            pass
    return len(requests) / (time.perf_counter() - started)


def bench_record(host_address: str, baseline_address: str, identity: DevIdentity) -> None:
    tenants = [f"bench-{uuid.uuid4().hex[:8]}" for _ in range(CLIENTS + 2)]
    # The assessment service records evidence (its own key): no one else may.
    metadata = {t: (("authorization", "Bearer " + identity.service_token("assessment", t)),) for t in tenants}
    warm_tenant, one_tenant, spread = tenants[0], tenants[1], tenants[2:]
    with grpc.insecure_channel(host_address) as service_channel, grpc.insecure_channel(baseline_address) as bare:
        stub = evidence_service_pb2_grpc.EvidenceServiceStub(service_channel)
        baseline = bare.unary_unary(BASELINE_METHOD, request_serializer=spb.RecordTrainingEvidenceRequest.SerializeToString,
                                    response_deserializer=spb.RecordTrainingEvidenceResponse.FromString)

        def record(r):
            return stub.RecordTrainingEvidence(r, metadata=metadata[r.tenant_id])

        warm = [builders.request(warm_tenant, modules=5, questions=10) for _ in range(30)]
        drive(record, warm)
        drive(baseline, warm)
        body_bytes = len(warm[0].evidence.SerializeToString())
        bare_rate = drive(baseline, [builders.request(one_tenant, modules=5, questions=10) for _ in range(RECORDS)])
        one_rate = drive(record, [builders.request(one_tenant, modules=5, questions=10) for _ in range(RECORDS)])
        spread_rate = drive(record, [builders.request(spread[i % len(spread)], modules=5, questions=10)
                                     for i in range(RECORDS)])
        started = time.perf_counter()
        chain = stub.VerifyEvidenceChain(spb.VerifyEvidenceChainRequest(tenant_id=one_tenant),
                                         metadata=metadata[one_tenant])
        verify_rate = chain.records_checked / (time.perf_counter() - started)
    print(f"record: body {body_bytes} proto bytes (5 modules x 10 questions + 2 scenarios each), "
          f"{RECORDS} records per run, {CLIENTS} concurrent callers")
    print(f"record: bare insert baseline                 {bare_rate:8.1f} records/s")
    print(f"record: RecordTrainingEvidence, one tenant   {one_rate:8.1f} records/s  "
          f"ratio {one_rate / bare_rate:.2f} (one chain: appends serialize)")
    print(f"record: RecordTrainingEvidence, {len(spread)} tenants    {spread_rate:8.1f} records/s  "
          f"ratio {spread_rate / bare_rate:.2f}")
    print(f"record: VerifyEvidenceChain over the one-tenant chain: {chain.records_checked} records, "
          f"valid={chain.valid}, {verify_rate:.0f} records/s")


# ---------------------------------------------------------------------------------------- list

TINY_BODY_SQL = """
    convert_to('{"modules":[],"outcome":{"aggregateScore":0.8,"moduleScores":[],"passThreshold":0.7,'
        || '"passed":true,"weakAreas":null},"policyAttestation":{"appVersion":"1.4.2","configHash":"c",'
        || '"maxAttempts":3,"passThreshold":0.7,"roleProfileId":"buyer","roleProfileVersion":2},'
        || '"session":{"attemptNumber":1,"completedAt":"2026-02-20T09:45:00.000Z",'
        || '"createdAt":"2026-02-20T09:00:00.000Z","employeeId":"' || e || '","sessionId":"' || s
        || '","status":"' || st || '","tenantId":"' || %(tenant)s || '","totalAttempts":1}}', 'UTF8')
"""


def load_million(owner_url: str, tenant: str, base: datetime) -> float:
    """Bulk-load LIST_ROWS records in SQL (generate_series), 30 s apart; returns seconds taken."""
    started = time.perf_counter()
    with psycopg.connect(libpq_url(owner_url), autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '256MB'")
        step = 250_000
        for first in range(1, LIST_ROWS + 1, step):
            conn.execute(f"""
                INSERT INTO training_evidence (tenant_id, evidence_id, session_id, employee_id, schema_version,
                    session_status, canonical_json, content_hash, chain_sequence, previous_hash, chain_hash,
                    generated_at)
                SELECT %(tenant)s, gen_random_uuid(), s::uuid, e::uuid, 1, st, {TINY_BODY_SQL},
                       repeat('a', 64), g, repeat('b', 64), repeat('c', 64),
                       %(base)s::timestamptz + g * interval '30 seconds'
                FROM (SELECT g, gen_random_uuid()::text AS s,
                             md5('employee' || (g %% 10000))::uuid::text AS e,
                             (ARRAY['passed','passed','passed','exhausted','abandoned'])[1 + g %% 5] AS st
                      FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g) AS rows""",
                {"tenant": tenant, "base": base, "first": first, "last": min(first + step - 1, LIST_ROWS)})
        conn.execute("ANALYZE training_evidence")
    return time.perf_counter() - started


def deep_token(owner_url: str, tenant: str, filters: domain.EvidenceFilter, depth: int) -> str:
    """The page token a client holds after paging `depth` rows into the filtered list.

    Walking 10,000 pages through the API would only measure the walk; the token is built exactly as the
    service builds it (last row's sort key + the filter fingerprint). The OFFSET here only picks the row.
    """
    with psycopg.connect(libpq_url(owner_url)) as conn:
        generated_at, evidence_id = conn.execute(
            "SELECT generated_at, evidence_id FROM training_evidence WHERE tenant_id = %s AND session_status = %s "
            "AND generated_at >= %s AND generated_at < %s ORDER BY generated_at DESC, evidence_id DESC "
            "OFFSET %s LIMIT 1", (tenant, filters.statuses[0], filters.start, filters.end, depth - 1)).fetchone()
    return LIST_TOKENS.encode((generated_at, str(evidence_id)), list_scope(tenant, filters))


def timed_pair(first, second) -> tuple[float, float]:
    """Median milliseconds of two calls, interleaved so drift on a shared machine hits both alike."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(REPEATS):
        for call, out in ((first, samples[0]), (second, samples[1])):
            started = time.perf_counter()
            call()
            out.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])


def explain(owner_url: str, tenant: str, filters: domain.EvidenceFilter, after) -> str:
    """The plan of the page query as the service issues it (keyset bound replaces the upper time bound)."""
    bounds = ("AND generated_at < %(end)s" if after is None
              else "AND (generated_at, evidence_id) < (%(at)s, %(id)s::uuid)")
    with psycopg.connect(libpq_url(owner_url)) as conn:
        rows = conn.execute(
            "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM training_evidence WHERE tenant_id = %(t)s "
            f"AND session_status = 'passed' AND generated_at >= %(start)s {bounds} "
            "ORDER BY generated_at DESC, evidence_id DESC LIMIT 51",
            {"t": tenant, "start": filters.start, "end": filters.end,
             "at": after[0] if after else None, "id": after[1] if after else None}).fetchall()
    lines = [r[0].strip() for r in rows]
    scan = next((line for line in lines if "Index" in line), lines[0])
    buffers = next((line for line in lines if line.startswith("Buffers")), "")
    return f"{scan} | {buffers}"


def bench_list(host_address: str, owner_url: str, minter: TokenMinter) -> None:
    tenant = f"bench-list-{uuid.uuid4().hex[:8]}"
    base = datetime(2025, 1, 1, tzinfo=UTC)
    seconds = load_million(owner_url, tenant, base)
    print(f"list: bulk-loaded {LIST_ROWS:,} records in {seconds:.1f} s")
    start, end = base + timedelta(days=30), base + timedelta(days=330)
    filters = domain.EvidenceFilter(employee_id=None, start=start, end=end, statuses=("passed",))
    metadata = (("authorization", "Bearer " + minter.mint(subject="auditor", tenant_id=tenant, roles=["auditor"])),)
    request = spb.ListTrainingEvidenceRequest(
        tenant_id=tenant, page_size=50, statuses=[pb.SESSION_STATUS_PASSED],
        generate_time_range=common_pb2.TimeRange(start_time=_ts(start), end_time=_ts(end)))
    with psycopg.connect(libpq_url(owner_url)) as conn:
        matching = conn.execute("SELECT count(*) FROM training_evidence WHERE tenant_id = %s AND session_status = "
                                "'passed' AND generated_at >= %s AND generated_at < %s", (tenant, start, end)).fetchone()[0]
    depth = matching - 100  # near the very end of the filtered list
    deep = spb.ListTrainingEvidenceRequest()
    deep.CopyFrom(request)
    deep.page_token = deep_token(owner_url, tenant, filters, depth)
    with grpc.insecure_channel(host_address) as channel:
        stub = evidence_service_pb2_grpc.EvidenceServiceStub(channel)
        first_page = stub.ListTrainingEvidence(request, metadata=metadata)
        deep_page = stub.ListTrainingEvidence(deep, metadata=metadata)
        assert len(first_page.training_evidence) == 50 and len(deep_page.training_evidence) == 50
        second = stub.ListTrainingEvidence(spb.ListTrainingEvidenceRequest(
            tenant_id=tenant, page_size=50, statuses=request.statuses, generate_time_range=request.generate_time_range,
            page_token=first_page.next_page_token), metadata=metadata)
        assert second.training_evidence[0].generate_time.ToDatetime(UTC) < \
            first_page.training_evidence[-1].generate_time.ToDatetime(UTC)
        first_ms, deep_ms = timed_pair(lambda: stub.ListTrainingEvidence(request, metadata=metadata),
                                       lambda: stub.ListTrainingEvidence(deep, metadata=metadata))
    print(f"list: {matching:,} of {LIST_ROWS:,} records match (outcome passed, 300-day generatedAt range), "
          f"page_size 50, median of {REPEATS}")
    print(f"list: first page          {first_ms:7.2f} ms")
    print(f"list: deep page (row {depth:,}) {deep_ms:7.2f} ms")
    print(f"list: ratio deep/first    {deep_ms / first_ms:.2f} (target <= 1.5)")
    key = LIST_TOKENS.decode(deep.page_token, list_scope(tenant, filters))
    print(f"list: first page plan: {explain(owner_url, tenant, filters, None)}")
    print(f"list: deep page plan:  {explain(owner_url, tenant, filters, key)}")


# ------------------------------------------------------------------------------------------ verify

CHAIN_ROWS = 1_000_000
CHECKPOINT_EVERY = 1000
VERIFY_REPEATS = 3


def small_body(session_id: str, employee_id: str) -> dict:
    """A valid minimal evidence body (what the chain benchmark hashes: ~500 bytes of canonical JSON)."""
    return {"modules": [], "outcome": {"aggregateScore": 0.8, "moduleScores": [], "passThreshold": 0.7,
                                       "passed": True, "weakAreas": None},
            "policyAttestation": {"appVersion": "1.4.2", "configHash": "c" * 64, "maxAttempts": 3,
                                  "passThreshold": 0.7, "roleProfileId": "buyer", "roleProfileVersion": 2},
            "session": {"attemptNumber": 1, "completedAt": "2026-02-20T09:45:00.000Z",
                        "createdAt": "2026-02-20T09:00:00.000Z", "employeeId": employee_id, "sessionId": session_id,
                        "status": "passed", "tenantId": "bench", "totalAttempts": 1}}


def load_chain(owner_url: str, tenant: str, key: SigningKey) -> tuple[float, int]:
    """Bulk-load a valid chain of CHAIN_ROWS records with COPY (hashes computed on the way), its head row and a
    signed checkpoint every CHECKPOINT_EVERY records; returns (seconds, canonical bytes)."""
    placeholder_session, placeholder_employee = str(uuid.UUID(int=1)), str(uuid.UUID(int=2))
    template = canonical_json(small_body(placeholder_session, placeholder_employee))
    started, previous, size, signed = time.perf_counter(), "", 0, []
    generated = datetime(2025, 1, 1, tzinfo=UTC)
    with psycopg.connect(libpq_url(owner_url), autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        with conn.cursor() as cursor, cursor.copy(
                "COPY training_evidence (tenant_id, evidence_id, session_id, employee_id, schema_version, "
                "session_status, canonical_json, content_hash, chain_sequence, previous_hash, chain_hash, "
                "generated_at) FROM STDIN") as copy:
            for sequence in range(1, CHAIN_ROWS + 1):
                session_id, employee_id = str(uuid.uuid4()), str(uuid.uuid4())
                body = template.replace(placeholder_session.encode(), session_id.encode()).replace(
                    placeholder_employee.encode(), employee_id.encode())
                content = hashlib.sha256(body).hexdigest()
                chain = hashlib.sha256((previous + content).encode()).hexdigest()
                copy.write_row((tenant, str(uuid.uuid4()), session_id, employee_id, 1, "passed", body, content,
                                sequence, previous, chain, generated))
                previous, size = chain, size + len(body)
                if sequence % CHECKPOINT_EVERY == 0:
                    signed.append(checkpoints.sign(key, log=checkpoints.EVIDENCE_LOG, tenant_id=tenant,
                                                   sequence=sequence, head_hash=chain, time=datetime.now(UTC)))
        conn.execute("INSERT INTO evidence_chain_heads (tenant_id, last_sequence, last_chain_hash) "
                     "VALUES (%s, %s, %s)", (tenant, CHAIN_ROWS, previous))
        with conn.cursor() as cursor, cursor.copy(
                "COPY evidence_checkpoints (tenant_id, sequence, head_hash, checkpoint_time, key_id, payload, "
                "signature) FROM STDIN") as copy:
            for c in signed:
                copy.write_row((c.tenant_id, c.sequence, c.head_hash, c.time, c.key_id, c.payload, c.signature))
        conn.execute("ANALYZE training_evidence")
    return time.perf_counter() - started, size


def bench_verify(host_address: str, owner_url: str, minter: TokenMinter, key: SigningKey) -> None:
    tenant = f"bench-chain-{uuid.uuid4().hex[:8]}"
    seconds, size = load_chain(owner_url, tenant, key)
    print(f"verify: bulk-loaded a chain of {CHAIN_ROWS:,} records ({size / CHAIN_ROWS:.0f} bytes of canonical JSON "
          f"each) with {CHAIN_ROWS // CHECKPOINT_EVERY:,} signed checkpoints in {seconds:.1f} s")
    metadata = (("authorization", "Bearer " + minter.mint(subject="auditor", tenant_id=tenant, roles=["auditor"])),)
    data = b"x" * size
    started = time.perf_counter()
    hashlib.sha256(data).digest()
    print(f"verify: hashlib.sha256 alone over the same bytes: {size / (time.perf_counter() - started) / 1e6:,.0f} MB/s")
    with grpc.insecure_channel(host_address) as channel:
        stub = evidence_service_pb2_grpc.EvidenceServiceStub(channel)

        def timed(**fields) -> tuple[float, spb.VerifyEvidenceChainResponse]:
            started = time.perf_counter()
            result = stub.VerifyEvidenceChain(spb.VerifyEvidenceChainRequest(tenant_id=tenant, **fields),
                                              metadata=metadata)
            return time.perf_counter() - started, result

        runs = [timed() for _ in range(VERIFY_REPEATS)]
        elapsed, result = min(runs, key=lambda run: run[0])
        assert result.valid and result.records_checked == CHAIN_ROWS, result
        print(f"verify: VerifyEvidenceChain, whole chain: {result.records_checked:,} records, "
              f"{result.checkpoints_checked:,} checkpoints, {result.records_content_checked} bodies sampled, "
              f"best of {VERIFY_REPEATS}: {elapsed:.2f} s = {result.records_checked / elapsed:,.0f} records/s "
              f"(target >= 100,000; before: ~2,800)")
        elapsed, result = timed(from_sequence=CHAIN_ROWS - 499)
        assert result.valid
        print(f"verify: incremental from sequence {CHAIN_ROWS - 499:,} (anchored at the checkpoint before it): "
              f"{result.records_checked:,} records hashed, {elapsed * 1000:.1f} ms")
        span = 20_000
        elapsed, result = timed(from_sequence=1, to_sequence=span, full_content_check=True)
        assert result.valid and result.records_content_checked == span
        print(f"verify: full_content_check over {span:,} records (json + RFC 8785 + columns per record): "
              f"{span / elapsed:,.0f} records/s")


def _ts(moment: datetime):
    from google.protobuf.timestamp_pb2 import Timestamp

    t = Timestamp()
    t.FromDatetime(moment)
    return t


# ----------------------------------------------------------------------------------------- entry

def run(admin_url: str) -> None:
    database = provision.provision(admin_url, "evidence", suffix=f"_bench{uuid.uuid4().hex[:6]}")
    loop = LoopThread()
    try:
        migrate(DEFINITION.migrations, database.owner_url, database.runtime_url, DEFINITION.append_only_tables)
        with psycopg.connect(libpq_url(database.owner_url), autocommit=True) as conn:
            # Same columns, constraints and indexes as training_evidence; no triggers, no chain.
            conn.execute("CREATE TABLE baseline_evidence (LIKE training_evidence INCLUDING ALL)")
            conn.execute(f'GRANT SELECT, INSERT ON baseline_evidence TO "{make_url(database.runtime_url).username}"')
        identity = DevIdentity(issuer=ISSUER, audience=AUDIENCE, services=["assessment"])  # users', a service's keys
        minter = identity.user_minter
        checkpoint_pem = generate_keypair()[0]
        checkpoint_key = SigningKey.load(checkpoint_pem, purpose="benchmark checkpoint key")
        settings = Settings(database_url=database.runtime_url,  # serving holds no owner URL (issue 11)
                            listen_address="127.0.0.1:0", migrate_on_start=False, outbox_relay_enabled=False,
                            checkpoint_signing_key=checkpoint_pem, **identity.settings("evidence"))

        async def start():
            host = await build(settings)
            await host.start()
            baseline_db = Database(database.runtime_url)
            server, address = await start_baseline(baseline_db)
            return host, server, address, baseline_db

        host, baseline_server, baseline_address, baseline_db = loop.run(start())
        try:
            bench_record(host.address, baseline_address, identity)
            bench_list(host.address, database.owner_url, minter)
            bench_verify(host.address, database.owner_url, minter, checkpoint_key)
        finally:
            async def stop():
                await baseline_server.stop(None)
                await baseline_db.close()
                await host.stop()

            loop.run(stop())
    finally:
        loop.close()
        provision.drop(admin_url, database.database)
