"""RecordTrainingEvidence and the seed 002 query patterns, against a real server and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest
import rfc8785
from google.protobuf.timestamp_pb2 import Timestamp

from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_resources_pb2 as pb
from learning.evidence.v1 import evidence_service_pb2 as spb
from tests.evidence import builders
from tests.support.rpc import error_reason, status_details


def record(stub, md, req):
    return stub.RecordTrainingEvidence(req, metadata=md)


def test_ten_concurrent_calls_for_one_session_store_one_record(evidence_stub, service_md, tenant, evidence_owner_sql):
    req = builders.request(tenant, modules=5, questions=10)
    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(lambda _: record(evidence_stub, service_md, req), range(10)))
    assert sum(r.created for r in responses) == 1
    assert len({r.training_evidence.SerializeToString(deterministic=True) for r in responses}) == 1
    count = evidence_owner_sql.execute("SELECT count(*) FROM training_evidence WHERE tenant_id = %s",
                                       (tenant,)).fetchone()[0]
    assert count == 1
    head = evidence_owner_sql.execute("SELECT last_sequence FROM evidence_chain_heads WHERE tenant_id = %s",
                                      (tenant,)).fetchone()
    assert head == (1,)


def _append_concurrently(stub, md, tenant, n):
    requests = [builders.request(tenant, modules=1, questions=2) for _ in range(n)]
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lambda r: record(stub, md, r), requests))


def _assert_gap_free_chain(stub, auditor_md, owner_sql, tenant, responses, length):
    assert all(r.created for r in responses)
    links = sorted((r.training_evidence.chain_sequence, r.training_evidence.previous_hash,
                    r.training_evidence.chain_hash) for r in responses)
    stored = owner_sql.execute("SELECT chain_sequence, previous_hash, chain_hash FROM training_evidence "
                               "WHERE tenant_id = %s ORDER BY chain_sequence", (tenant,)).fetchall()
    assert [s for s, _, _ in stored] == list(range(1, length + 1))  # no gap, no duplicate
    assert [tuple(row) for row in stored[-len(responses):]] == links  # each answered its own link
    for (_, _, before), (_, previous, _) in zip(stored, stored[1:], strict=False):
        assert previous == before
    head = owner_sql.execute("SELECT last_sequence, last_chain_hash FROM evidence_chain_heads WHERE tenant_id = %s",
                             (tenant,)).fetchone()
    assert tuple(head) == (length, stored[-1][2])
    chain = stub.VerifyEvidenceChain(spb.VerifyEvidenceChainRequest(tenant_id=tenant), metadata=auditor_md)
    assert chain.valid and chain.records_checked == length and chain.head_chain_hash == stored[-1][2]


def test_first_records_of_a_new_tenant_at_once_start_one_gap_free_chain(evidence_stub, service_md, auditor_md,
                                                                          tenant, evidence_owner_sql):
    # No chain head yet: every caller finds none, creates it (only one insert wins) and appends behind its lock.
    responses = _append_concurrently(evidence_stub, service_md, tenant, 12)
    _assert_gap_free_chain(evidence_stub, auditor_md, evidence_owner_sql, tenant, responses, 12)


def test_concurrent_appends_of_one_tenant_stay_gap_free(evidence_stub, service_md, auditor_md, tenant,
                                                        evidence_owner_sql):
    first = record(evidence_stub, service_md, builders.request(tenant, modules=1, questions=2))
    assert first.training_evidence.chain_sequence == 1 and first.training_evidence.previous_hash == ""
    responses = _append_concurrently(evidence_stub, service_md, tenant, 12)
    _assert_gap_free_chain(evidence_stub, auditor_md, evidence_owner_sql, tenant, responses, 13)


def test_retry_with_same_body_returns_existing_and_different_body_is_already_exists(evidence_stub, service_md, tenant):
    req = builders.request(tenant)
    first = record(evidence_stub, service_md, req)
    again = record(evidence_stub, service_md, req)
    assert first.created and not again.created
    assert again.training_evidence == first.training_evidence
    changed = spb.RecordTrainingEvidenceRequest()
    changed.CopyFrom(req)
    changed.evidence.modules[0].quiz_questions[1].employee_answer.score = 0.0
    with pytest.raises(grpc.RpcError) as caught:
        record(evidence_stub, service_md, changed)
    assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS
    info = next(d for d in status_details(caught.value) if d.DESCRIPTOR.name == "ErrorInfo")
    assert info.reason == "ERROR_REASON_ALREADY_EXISTS"
    assert info.metadata["evidence_id"] == first.training_evidence.evidence_id
    assert info.metadata["existing_content_hash"] == first.training_evidence.content_hash
    assert info.metadata["submitted_content_hash"] != first.training_evidence.content_hash
    # schema_version explicitly 1 equals the resolved default: still the same record
    same_version = spb.RecordTrainingEvidenceRequest()
    same_version.CopyFrom(req)
    same_version.schema_version = 1
    assert not record(evidence_stub, service_md, same_version).created


def test_round_trip_keeps_every_null_apart_from_every_zero(evidence_stub, service_md, auditor_md, tenant):
    nulls = builders.request(tenant, modules=2, questions=3, status=pb.SESSION_STATUS_ABANDONED)
    body = nulls.evidence
    assert not body.session.HasField("completed_time")
    assert not body.outcome.HasField("aggregate_score") and not body.outcome.HasField("passed")
    assert not body.outcome.HasField("weak_areas")
    zeros = builders.request(tenant, modules=2, questions=3, status=pb.SESSION_STATUS_EXHAUSTED)
    z = zeros.evidence
    z.outcome.aggregate_score = 0.0
    z.outcome.passed = False
    z.outcome.weak_areas.Clear()
    z.outcome.weak_areas.SetInParent()  # [] rather than null
    z.modules[0].module_score = 0.0
    z.outcome.module_scores[0].score = 0.0
    z.modules[0].quiz_questions[1].employee_answer.score = 0.0
    z.modules[1].quiz_questions[0].employee_answer.free_text_response = ""  # empty answer, not absent
    z.modules[1].quiz_questions[0].employee_answer.ClearField("llm_rationale")
    z.policy_attestation.pass_threshold = 0.0
    z.outcome.pass_threshold = 0.0

    for req in (nulls, zeros):
        stored = record(evidence_stub, service_md, req).training_evidence
        fetched = evidence_stub.GetTrainingEvidence(
            spb.GetTrainingEvidenceRequest(tenant_id=tenant, evidence_id=stored.evidence_id),
            metadata=auditor_md).training_evidence
        assert fetched.evidence == req.evidence  # field presence compared too
        exported = evidence_stub.ExportTrainingEvidence(
            spb.ExportTrainingEvidenceRequest(tenant_id=tenant, evidence_id=stored.evidence_id), metadata=auditor_md)
        document = json.loads(exported.canonical_json)
        if req is nulls:
            assert document["session"]["completedAt"] is None
            assert document["outcome"]["aggregateScore"] is None and document["outcome"]["passed"] is None
            assert document["outcome"]["weakAreas"] is None
            assert document["modules"][0]["moduleScore"] is None
            assert document["outcome"]["moduleScores"][0]["score"] is None
        else:
            assert document["outcome"]["aggregateScore"] == 0 and document["outcome"]["aggregateScore"] is not None
            assert document["outcome"]["passed"] is False
            assert document["outcome"]["weakAreas"] == []
            assert document["modules"][0]["moduleScore"] == 0
            assert document["modules"][0]["quizQuestions"][1]["employeeAnswer"]["score"] == 0
            answer = document["modules"][1]["quizQuestions"][0]["employeeAnswer"]
            assert answer["freeTextResponse"] == "" and "llmRationale" not in answer and "selectedOption" not in answer
            assert "options" not in document["modules"][1]["quizQuestions"][0]
        # the body Get returns re-canonicalizes to the hashed bytes
        assert rfc8785.dumps(document) == exported.canonical_json


def test_canonical_form_matches_the_contract(evidence_stub, service_md, auditor_md, tenant):
    req = builders.request(tenant, modules=1, questions=2)
    req.evidence.session.create_time.CopyFrom(Timestamp(seconds=builders.BASE, nanos=123_999_999))
    stored = record(evidence_stub, service_md, req).training_evidence
    assert stored.evidence.session.create_time.nanos == 123_000_000  # truncated, returned truncated
    exported = evidence_stub.ExportTrainingEvidence(
        spb.ExportTrainingEvidenceRequest(tenant_id=tenant, evidence_id=stored.evidence_id), metadata=auditor_md)
    text = exported.canonical_json.decode()
    assert text.startswith('{"modules":[{"completedAt":"2026-02-20T09:35:00.000Z","moduleIndex":0,"moduleScore":0.8,')
    assert '"createdAt":"2026-02-20T09:15:00.123Z"' in text
    assert '"status":"passed"' in text and '"responseType":"multiple-choice"' in text
    assert '"responseType":"free-text"' in text and '"passThreshold":0.7' in text
    assert "evidenceId" not in text and "generatedAt" not in text and "contentHash" not in text
    assert rfc8785.dumps(json.loads(text)) == exported.canonical_json


def test_every_stored_content_hash_recomputes_independently(evidence_stub, service_md, auditor_md, tenant,
                                                            evidence_owner_sql):
    ids = [record(evidence_stub, service_md, builders.request(tenant, modules=m, questions=2, status=s))
           .training_evidence.evidence_id
           for m, s in ((0, pb.SESSION_STATUS_PASSED), (2, pb.SESSION_STATUS_EXHAUSTED), (1, pb.SESSION_STATUS_ABANDONED))]
    stored = {str(r[0]): (bytes(r[1]), r[2], r[3], r[4]) for r in evidence_owner_sql.execute(
        "SELECT evidence_id, canonical_json, content_hash, previous_hash, chain_hash FROM training_evidence "
        "WHERE tenant_id = %s ORDER BY chain_sequence", (tenant,))}
    assert list(stored) == ids
    previous = ""
    for evidence_id in ids:
        exported = evidence_stub.ExportTrainingEvidence(
            spb.ExportTrainingEvidenceRequest(tenant_id=tenant, evidence_id=evidence_id), metadata=auditor_md)
        recomputed = hashlib.sha256(rfc8785.dumps(json.loads(exported.canonical_json))).hexdigest()
        db_bytes, db_hash, db_previous, db_chain = stored[evidence_id]
        assert recomputed == exported.content_hash == db_hash
        assert hashlib.sha256(db_bytes).hexdigest() == db_hash and db_bytes == exported.canonical_json
        assert db_previous == exported.previous_hash == previous
        assert db_chain == exported.chain_hash == hashlib.sha256((previous + db_hash).encode("ascii")).hexdigest()
        previous = db_chain
        # and the structured body the API returns canonicalizes to the same bytes
        got = evidence_stub.GetTrainingEvidence(
            spb.GetTrainingEvidenceRequest(tenant_id=tenant, evidence_id=evidence_id), metadata=auditor_md)
        assert got.training_evidence.content_hash == db_hash


def test_query_patterns_by_id_session_employee_and_filtered_list(evidence_stub, service_md, auditor_md, tenant):
    employee = str(uuid.uuid4())
    made = []
    for status in [pb.SESSION_STATUS_PASSED, pb.SESSION_STATUS_EXHAUSTED, pb.SESSION_STATUS_ABANDONED] * 3:
        made.append(record(evidence_stub, service_md, builders.request(
            tenant, modules=1, questions=1, status=status,
            employee_id=employee if len(made) % 2 == 0 else None)).training_evidence)
    by_session = evidence_stub.GetTrainingEvidenceBySession(
        spb.GetTrainingEvidenceBySessionRequest(tenant_id=tenant, session_id=made[4].session_id), metadata=auditor_md)
    assert by_session.training_evidence == made[4]

    def list_all(**kwargs):
        items, token = [], ""
        while True:
            page = evidence_stub.ListTrainingEvidence(
                spb.ListTrainingEvidenceRequest(tenant_id=tenant, page_size=2, page_token=token, **kwargs),
                metadata=auditor_md)
            items += page.training_evidence
            token = page.next_page_token
            if not token:
                return items

    newest_first = sorted(made, key=lambda e: (e.generate_time.ToNanoseconds(), e.evidence_id), reverse=True)
    assert [e.evidence_id for e in list_all()] == [e.evidence_id for e in newest_first]
    mine = list_all(employee_id=employee)
    assert [e.evidence_id for e in mine] == [e.evidence_id for e in newest_first if e.employee_id == employee]
    assert len(mine) == 5
    passed = list_all(statuses=[pb.SESSION_STATUS_PASSED])
    assert {e.evidence_id for e in passed} == {e.evidence_id for e in made if e.evidence.outcome.passed}
    two = list_all(statuses=[pb.SESSION_STATUS_EXHAUSTED, pb.SESSION_STATUS_ABANDONED])
    assert [e.evidence_id for e in two] == [e.evidence_id for e in newest_first
                                            if e.evidence.session.status != pb.SESSION_STATUS_PASSED]
    middle = newest_first[4].generate_time
    window = common_pb2.TimeRange(start_time=middle)
    assert {e.evidence_id for e in list_all(generate_time_range=window)} == {
        e.evidence_id for e in made if e.generate_time.ToNanoseconds() >= middle.ToNanoseconds()}
    # a token is bound to its filters
    page = evidence_stub.ListTrainingEvidence(spb.ListTrainingEvidenceRequest(tenant_id=tenant, page_size=1),
                                              metadata=auditor_md)
    with pytest.raises(grpc.RpcError) as caught:
        evidence_stub.ListTrainingEvidence(spb.ListTrainingEvidenceRequest(
            tenant_id=tenant, page_size=1, page_token=page.next_page_token, employee_id=employee), metadata=auditor_md)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_unknown_ids_are_not_found(evidence_stub, auditor_md, tenant):
    for call, request in (
        (evidence_stub.GetTrainingEvidence, spb.GetTrainingEvidenceRequest(tenant_id=tenant, evidence_id=str(uuid.uuid4()))),
        (evidence_stub.GetTrainingEvidenceBySession,
         spb.GetTrainingEvidenceBySessionRequest(tenant_id=tenant, session_id=str(uuid.uuid4()))),
        (evidence_stub.ExportTrainingEvidence, spb.ExportTrainingEvidenceRequest(tenant_id=tenant, evidence_id=str(uuid.uuid4()))),
    ):
        with pytest.raises(grpc.RpcError) as caught:
            call(request, metadata=auditor_md)
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND
        assert error_reason(caught.value) == "ERROR_REASON_NOT_FOUND"


# ----------------------------------------------------------------------------- generated round trips

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Valid text is any text but NUL (the one text rule of every service, shared.validation).
NO_NUL = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
TEXT = st.text(NO_NUL, min_size=1, max_size=40).filter(lambda s: s.strip())
SCORE = st.one_of(st.sampled_from([0.0, 1.0, 0.5, 5e-324, 1e-7, 0.1 + 0.2]), st.floats(0.0, 1.0))
NANOS = st.integers(0, 999_999_999)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_valid_bodies_round_trip_to_their_hash(evidence_stub, tokens, data):
    tenant = f"t-{uuid.uuid4().hex[:12]}"
    status = data.draw(st.sampled_from([pb.SESSION_STATUS_PASSED, pb.SESSION_STATUS_EXHAUSTED,
                                        pb.SESSION_STATUS_ABANDONED]))
    req = builders.request(tenant, modules=data.draw(st.integers(0, 3)), questions=data.draw(st.integers(0, 4)),
                           status=status)
    body = req.evidence
    body.session.create_time.nanos = data.draw(NANOS)
    for m, module in enumerate(body.modules):
        module.title = data.draw(TEXT)
        body.outcome.module_scores[m].title = module.title
        if data.draw(st.booleans()):
            module.ClearField("module_score")
            body.outcome.module_scores[m].ClearField("score")
        else:
            module.module_score = body.outcome.module_scores[m].score = data.draw(SCORE)
        for item in [*module.scenarios, *module.quiz_questions]:
            item.employee_answer.score = data.draw(SCORE)
            item.employee_answer.submit_time.nanos = data.draw(NANOS)
            if item.response_type == pb.RESPONSE_TYPE_FREE_TEXT:
                item.employee_answer.free_text_response = data.draw(st.text(NO_NUL, max_size=60))
                if data.draw(st.booleans()):
                    item.employee_answer.ClearField("llm_rationale")
            else:
                item.options[0].text = data.draw(TEXT)
    if status != pb.SESSION_STATUS_ABANDONED:
        body.outcome.aggregate_score = data.draw(SCORE)
    if data.draw(st.booleans()):
        body.outcome.ClearField("weak_areas")
    else:
        body.outcome.weak_areas.SetInParent()
        body.outcome.weak_areas.topic_areas[:] = data.draw(st.lists(TEXT, max_size=3, unique=True))

    md = tokens.metadata(tenant, ["service"], subject="assessment")
    stored = evidence_stub.RecordTrainingEvidence(req, metadata=md).training_evidence
    exported = evidence_stub.ExportTrainingEvidence(
        spb.ExportTrainingEvidenceRequest(tenant_id=tenant, evidence_id=stored.evidence_id), metadata=md)
    assert hashlib.sha256(exported.canonical_json).hexdigest() == stored.content_hash
    assert rfc8785.dumps(json.loads(exported.canonical_json)) == exported.canonical_json
    # what Get returns is the request with timestamps truncated to milliseconds, presence intact
    expected = spb.RecordTrainingEvidenceRequest()
    expected.CopyFrom(req)
    for message in _timestamps(expected.evidence):
        message.nanos = message.nanos // 1_000_000 * 1_000_000
    fetched = evidence_stub.GetTrainingEvidence(
        spb.GetTrainingEvidenceRequest(tenant_id=tenant, evidence_id=stored.evidence_id), metadata=md)
    assert fetched.training_evidence.evidence == expected.evidence == stored.evidence
    # and recording the returned body again is recognised as the same record
    again = spb.RecordTrainingEvidenceRequest()
    again.CopyFrom(req)
    again.evidence.CopyFrom(fetched.training_evidence.evidence)
    assert not evidence_stub.RecordTrainingEvidence(again, metadata=md).created


def _timestamps(body):
    yield body.session.create_time
    if body.session.HasField("completed_time"):
        yield body.session.completed_time
    for module in body.modules:
        if module.HasField("completed_time"):
            yield module.completed_time
        for item in [*module.scenarios, *module.quiz_questions]:
            yield item.employee_answer.submit_time
