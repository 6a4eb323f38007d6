"""Procurement maturity rubrics and assessments: the rubric lifecycle (DRAFT -> PUBLISHED, immutable, next
versions), scoring checked by hand, what the outbox holds after a scoring, re-scoring, idempotency, roles,
list filters and pages, and bad input (hand-picked and hypothesis-generated) as INVALID_ARGUMENT."""

from __future__ import annotations

import math
import uuid
from concurrent.futures import ThreadPoolExecutor

import grpc
import psycopg
import pytest
from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learning.assessment.v1 import assessment_resources_pb2 as res
from learning.assessment.v1 import assessment_service_pb2 as svc
from learning.audit.v1 import audit_service_pb2
from learning.common.v1 import common_pb2
from learning.progress.v1 import progress_resources_pb2 as progress_res
from learning.progress.v1 import progress_service_pb2 as progress_svc
from services.assessment.domain import maturity as domain
from tests.support.rpc import field_violations, status_details

DRAFT, PUBLISHED = res.MATURITY_RUBRIC_STATE_DRAFT, res.MATURITY_RUBRIC_STATE_PUBLISHED

# --------------------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------------------


def rubric_content(**overrides) -> res.MaturityRubric:
    """Three dimensions (weights 3, 1, 4), four questions, levels at 0 / 0.4 / 0.7, weak below 0.5."""
    values = dict(
        title="  Procurement maturity  ", description="How mature is our procurement?",
        dimensions=[
            res.MaturityDimension(dimension_key="sourcing", title="Sourcing", topic_area="Strategic sourcing",
                                  weight=3, questions=[
                                      res.MaturityQuestion(question_key="s1", text="Category plans?", weight=1),
                                      res.MaturityQuestion(question_key="s2", text="Should-cost models?", weight=3)]),
            res.MaturityDimension(dimension_key="contracts", title="Contracts", topic_area="Contract management",
                                  weight=1, questions=[
                                      res.MaturityQuestion(question_key="c1", text="Central repository?", weight=2)]),
            res.MaturityDimension(dimension_key="risk", title="Supplier risk", topic_area="Supplier risk",
                                  weight=4, questions=[
                                      res.MaturityQuestion(question_key="r1", text="Risk screening?", weight=1),
                                      res.MaturityQuestion(question_key="r2", text="Continuity plans?", weight=3)]),
        ],
        level_thresholds=[res.MaturityLevelThreshold(level=1, min_score=0),
                          res.MaturityLevelThreshold(level=2, min_score=0.4),
                          res.MaturityLevelThreshold(level=3, min_score=0.7)],
        gap_threshold=0.5)
    values.update(overrides)
    return res.MaturityRubric(**values)


# s1=5 (1.0), s2=3 (0.5), c1=1 (0.0), r1=2 (0.25), r2=3 (0.5):
#   sourcing  = (1*1.0 + 3*0.5) / 4   = 0.625   (not weak)
#   contracts = 0.0                              (weak, below 0.5/2: HIGH)
#   risk      = (1*0.25 + 3*0.5) / 4  = 0.4375  (weak, not below 0.25: MEDIUM)
#   total     = (3*0.625 + 1*0.0 + 4*0.4375) / 8 = 3.625 / 8 = 0.453125 -> level 2 (0.4 <= total < 0.7)
MIXED = {"s1": 5, "s2": 3, "c1": 1, "r1": 2, "r2": 3}


def responses(ratings: dict[str, int], notes: dict[str, str] | None = None) -> list[res.MaturityResponse]:
    return [res.MaturityResponse(question_key=k, rating=r, note=(notes or {}).get(k, "")) for k, r in ratings.items()]


class Maturity:
    """The maturity RPCs of one tenant, called as author (rubrics) and admin (assessments)."""

    def __init__(self, assessment) -> None:
        self.a = assessment
        self.stub, self.tenant = assessment.stub, assessment.tenant

    def create(self, content=None, *, md=None, **kw) -> res.MaturityRubric:
        return self.stub.CreateMaturityRubric(svc.CreateMaturityRubricRequest(
            tenant_id=self.tenant, rubric=content or rubric_content(), **kw), metadata=md or self.a.author_md).rubric

    def publish(self, rubric_id: str, version: int, md=None) -> res.MaturityRubric:
        return self.stub.PublishMaturityRubric(svc.PublishMaturityRubricRequest(
            tenant_id=self.tenant, rubric_id=rubric_id, version=version), metadata=md or self.a.author_md).rubric

    def get(self, rubric_id: str, version: int = 0, md=None) -> res.MaturityRubric:
        return self.stub.GetMaturityRubric(svc.GetMaturityRubricRequest(
            tenant_id=self.tenant, rubric_id=rubric_id, version=version), metadata=md or self.a.auditor_md).rubric

    def published(self, content=None) -> res.MaturityRubric:
        draft = self.create(content)
        return self.publish(draft.rubric_id, draft.version)

    def submit(self, rubric: res.MaturityRubric, ratings=None, *, md=None, **kw) -> res.MaturityAssessment:
        return self.stub.SubmitMaturityAssessment(self.submit_request(rubric, ratings, **kw),
                                                  metadata=md or self.a.admin_md).assessment

    def submit_request(self, rubric, ratings=None, **kw) -> svc.SubmitMaturityAssessmentRequest:
        values = dict(tenant_id=self.tenant, rubric_id=rubric.rubric_id, rubric_version=rubric.version,
                      responses=responses(ratings or MIXED))
        values.update(kw)
        return svc.SubmitMaturityAssessmentRequest(**values)

    def get_assessment(self, assessment_id: str, md=None) -> res.MaturityAssessment:
        return self.stub.GetMaturityAssessment(svc.GetMaturityAssessmentRequest(
            tenant_id=self.tenant, assessment_id=assessment_id), metadata=md or self.a.auditor_md).assessment


@pytest.fixture
def m(assessment) -> Maturity:
    return Maturity(assessment)


def fails(code: grpc.StatusCode, call, *args, **kw) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(*args, **kw)
    assert caught.value.code() == code, caught.value.details()
    return caught.value


def precondition_types(error: grpc.RpcError) -> list[str]:
    return [v.type for d in status_details(error) if hasattr(d, "violations") for v in d.violations]


def outbox(owner_sql, tenant: str) -> dict[str, list]:
    """The tenant's queued messages by destination, decoded with each route's message type."""
    types = {"audit": audit_service_pb2.AuditEvent,
             "progress.maturity_results": progress_svc.RecordMaturityResultRequest,
             "progress.knowledge_gaps": progress_svc.RecordKnowledgeGapsRequest}
    found: dict[str, list] = {}
    for destination, message in owner_sql.execute(
            "SELECT destination, message FROM outbox WHERE tenant_id = %s ORDER BY position", (tenant,)):
        found.setdefault(destination, []).append(types[destination].FromString(bytes(message)))
    return found


# --------------------------------------------------------------------------------------------------------
# Rubric lifecycle
# --------------------------------------------------------------------------------------------------------


def test_rubric_is_created_updated_and_published_once(m, assessment_owner_sql):
    draft = m.create()
    assert (draft.state, draft.version, draft.tenant_id, draft.title) == (DRAFT, 1, m.tenant, "Procurement maturity")
    assert uuid.UUID(draft.rubric_id) and not draft.HasField("publish_time") and not draft.published_by
    assert [d.dimension_key for d in draft.dimensions] == ["sourcing", "contracts", "risk"]
    assert [q.weight for q in draft.dimensions[0].questions] == [1, 3]

    changed = rubric_content(title="Maturity v1", gap_threshold=0.3, rubric_id=str(uuid.uuid4()), version=9,
                             state=PUBLISHED, published_by="someone")  # output-only fields are ignored
    updated = m.stub.UpdateMaturityRubric(svc.UpdateMaturityRubricRequest(
        tenant_id=m.tenant, rubric_id=draft.rubric_id, version=1, rubric=changed), metadata=m.a.admin_md).rubric
    assert (updated.rubric_id, updated.version, updated.state) == (draft.rubric_id, 1, DRAFT)
    assert (updated.title, updated.gap_threshold, updated.published_by) == ("Maturity v1", 0.3, "")
    assert updated.create_time == draft.create_time
    assert updated.update_time.ToDatetime() > draft.update_time.ToDatetime()
    assert m.get(draft.rubric_id, 1) == updated
    fails(grpc.StatusCode.NOT_FOUND, m.get, draft.rubric_id, 0)  # nothing published yet

    published = m.publish(draft.rubric_id, 1)
    assert published.state == PUBLISHED and published.HasField("publish_time")
    assert published.published_by == _subject(m.a.author_md)
    assert m.get(draft.rubric_id) == published == m.get(draft.rubric_id, 1)
    again = m.publish(draft.rubric_id, 1, md=m.a.admin_md)
    assert again == published  # unchanged: not re-published by the admin

    events = outbox(assessment_owner_sql, m.tenant)["audit"]
    assert len(events) == 1
    event = events[0]
    assert (event.action, event.subject_type, event.subject_id, event.source_service) == (
        "maturity_rubric.published", "maturity_rubric", draft.rubric_id, "assessment")
    assert event.actor_id == _subject(m.a.author_md)
    assert json_format.MessageToDict(event.payload) == {"rubric_id": draft.rubric_id, "version": 1.0,
                                                        "title": "Maturity v1", "dimensions": 3.0, "questions": 5.0}


def _subject(md) -> str:
    """The `sub` of a test token (its payload, unverified)."""
    import base64
    import json
    payload = md[0][1].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


def test_published_version_is_immutable_by_rpc_and_by_sql(m, assessment_owner_sql):
    rubric = m.published()
    error = fails(grpc.StatusCode.FAILED_PRECONDITION, m.stub.UpdateMaturityRubric, svc.UpdateMaturityRubricRequest(
        tenant_id=m.tenant, rubric_id=rubric.rubric_id, version=1, rubric=rubric_content(title="Changed")),
        metadata=m.a.author_md)
    assert precondition_types(error) == ["RUBRIC_PUBLISHED"]
    for statement in ("UPDATE maturity_rubrics SET title = 'Changed' WHERE rubric_id = %s",
                      "UPDATE maturity_rubrics SET state = 'draft' WHERE rubric_id = %s",
                      "DELETE FROM maturity_rubrics WHERE rubric_id = %s"):
        with pytest.raises(psycopg.errors.RaiseException, match="published rubric versions are immutable"):
            assessment_owner_sql.execute(statement, (rubric.rubric_id,))
    assert m.get(rubric.rubric_id, 1) == rubric


def test_next_version_opens_once_per_rubric(m):
    first = m.create()
    error = fails(grpc.StatusCode.FAILED_PRECONDITION, m.create, rubric_id=first.rubric_id)
    assert precondition_types(error) == ["DRAFT_EXISTS"]  # version 1 is still a draft
    m.publish(first.rubric_id, 1)

    second = m.create(rubric_content(title="Maturity 2026"), rubric_id=first.rubric_id.upper())
    assert (second.rubric_id, second.version, second.state, second.title) == (first.rubric_id, 2, DRAFT,
                                                                               "Maturity 2026")
    error = fails(grpc.StatusCode.FAILED_PRECONDITION, m.create, rubric_id=first.rubric_id)
    assert precondition_types(error) == ["DRAFT_EXISTS"]
    assert m.get(first.rubric_id).version == 1  # the latest PUBLISHED one
    m.publish(first.rubric_id, 2)
    assert m.get(first.rubric_id).version == 2
    assert m.create(rubric_id=first.rubric_id).version == 3

    fails(grpc.StatusCode.NOT_FOUND, m.create, rubric_id=str(uuid.uuid4()))
    fails(grpc.StatusCode.NOT_FOUND, m.publish, first.rubric_id, 7)
    fails(grpc.StatusCode.NOT_FOUND, m.get, first.rubric_id, 7)


def test_rubrics_of_another_tenant_do_not_exist(m, assessment_stub, tokens):
    rubric = m.published()
    other = f"t-{uuid.uuid4().hex[:12]}"
    md = tokens.metadata(other, ["admin"], subject=str(uuid.uuid4()))
    fails(grpc.StatusCode.NOT_FOUND, assessment_stub.GetMaturityRubric, svc.GetMaturityRubricRequest(
        tenant_id=other, rubric_id=rubric.rubric_id, version=1), metadata=md)
    fails(grpc.StatusCode.NOT_FOUND, assessment_stub.CreateMaturityRubric, svc.CreateMaturityRubricRequest(
        tenant_id=other, rubric_id=rubric.rubric_id, rubric=rubric_content()), metadata=md)
    fails(grpc.StatusCode.NOT_FOUND, assessment_stub.SubmitMaturityAssessment, svc.SubmitMaturityAssessmentRequest(
        tenant_id=other, rubric_id=rubric.rubric_id, rubric_version=1, responses=responses(MIXED)), metadata=md)


def test_create_rubric_retry_returns_the_first(m, assessment_owner_sql):
    request_id = str(uuid.uuid4())
    first = m.create(request_id=request_id)
    assert m.create(request_id=request_id) == first
    rows = assessment_owner_sql.execute("SELECT count(*) FROM maturity_rubrics WHERE tenant_id = %s",
                                        (m.tenant,)).fetchone()[0]
    assert rows == 1
    error = fails(grpc.StatusCode.ALREADY_EXISTS, m.create, rubric_content(title="Other"), request_id=request_id)
    assert any(getattr(d, "metadata", {}).get("rubric_id") == first.rubric_id for d in status_details(error))


def test_concurrent_openings_and_publications_never_duplicate(m, assessment_owner_sql):
    first = m.published()

    def outcome(call):
        try:
            return call()
        except grpc.RpcError as error:
            return error.code(), precondition_types(error)

    with ThreadPoolExecutor(6) as pool:
        opened = list(pool.map(lambda _: outcome(lambda: m.create(rubric_id=first.rubric_id)), range(6)))
    drafts = [r for r in opened if isinstance(r, res.MaturityRubric)]
    assert [r.version for r in drafts] == [2]
    assert [r for r in opened if not isinstance(r, res.MaturityRubric)] == [
        (grpc.StatusCode.FAILED_PRECONDITION, ["DRAFT_EXISTS"])] * 5

    with ThreadPoolExecutor(6) as pool:
        published = list(pool.map(lambda _: m.publish(first.rubric_id, 2), range(6)))
    assert all(r == published[0] and r.state == PUBLISHED for r in published)
    events = [e for e in outbox(assessment_owner_sql, m.tenant)["audit"] if e.subject_id == first.rubric_id]
    assert sorted(json_format.MessageToDict(e.payload)["version"] for e in events) == [1, 2]


# --------------------------------------------------------------------------------------------------------
# Scoring and what it sends
# --------------------------------------------------------------------------------------------------------


def test_scoring_by_hand_and_what_the_outbox_holds(m, assessment_owner_sql):
    rubric = m.published()
    before = outbox(assessment_owner_sql, m.tenant)
    shuffled = dict(reversed(list(MIXED.items())))
    scored = m.submit(rubric, md=m.a.service_md, responses=responses(shuffled, {"c1": " none "}))

    assert [(r.question_key, r.rating, r.note) for r in scored.responses] == [  # rubric order, notes trimmed
        ("s1", 5, ""), ("s2", 3, ""), ("c1", 1, "none"), ("r1", 2, ""), ("r2", 3, "")]
    assert [(d.dimension_key, d.title, d.topic_area, d.score, d.weak) for d in scored.dimension_scores] == [
        ("sourcing", "Sourcing", "Strategic sourcing", 0.625, False),
        ("contracts", "Contracts", "Contract management", 0.0, True),
        ("risk", "Supplier risk", "Supplier risk", 0.4375, True)]
    assert scored.total_score == 0.453125 and scored.maturity_level == 2
    assert (scored.rubric_id, scored.rubric_version, scored.tenant_id) == (rubric.rubric_id, 1, m.tenant)
    assert scored.assessor_id == "progress" and not scored.supersedes_assessment_id
    assert m.get_assessment(scored.assessment_id) == scored

    queued = outbox(assessment_owner_sql, m.tenant)
    assert len(queued["audit"]) == len(before["audit"]) + 1
    event = queued["audit"][-1]
    assert (event.action, event.subject_type, event.subject_id, event.actor_id) == (
        "maturity_assessment.scored", "maturity_assessment", scored.assessment_id, "progress")
    assert event.occur_time == scored.submit_time
    assert json_format.MessageToDict(event.payload) == {
        "rubric_id": rubric.rubric_id, "rubric_version": 1.0, "total_score": 0.453125, "maturity_level": 2.0,
        "weak_dimensions": ["contracts", "risk"], "supersedes_assessment_id": ""}

    source = progress_res.SourceReference(domain="assessment", type="maturity_assessment", id=scored.assessment_id)
    assert queued["progress.maturity_results"] == [progress_svc.RecordMaturityResultRequest(
        tenant_id=m.tenant, assessment=source, maturity_level=2, maturity_score=0.453125,
        assess_time=scored.submit_time)]
    assert queued["progress.knowledge_gaps"] == [progress_svc.RecordKnowledgeGapsRequest(tenant_id=m.tenant, gaps=[
        progress_res.KnowledgeGap(user_id="", topic_area="Contract management",
                                  severity=progress_res.GAP_SEVERITY_HIGH, evidence=[source], source=source),
        progress_res.KnowledgeGap(user_id="", topic_area="Supplier risk",
                                  severity=progress_res.GAP_SEVERITY_MEDIUM, evidence=[source], source=source)])]


def test_a_strong_assessment_sends_no_gaps_and_levels_follow_thresholds(m, assessment_owner_sql):
    rubric = m.published()
    top = m.submit(rubric, {key: 5 for key in MIXED})
    assert (top.total_score, top.maturity_level) == (1.0, 3)
    assert not any(d.weak for d in top.dimension_scores)
    bottom = m.submit(rubric, {key: 1 for key in MIXED})
    assert (bottom.total_score, bottom.maturity_level) == (0.0, 1)
    # Exactly on a threshold reaches it: everything at 4 scores 0.75 (>= 0.7) and 3 scores 0.5 (>= 0.4).
    assert m.submit(rubric, {key: 4 for key in MIXED}).maturity_level == 3
    at_gap = m.submit(rubric, {key: 3 for key in MIXED})
    assert at_gap.maturity_level == 2 and not any(d.weak for d in at_gap.dimension_scores)  # 0.5 is not < 0.5
    queued = outbox(assessment_owner_sql, m.tenant)
    assert len(queued["progress.maturity_results"]) == 4
    assert [len(g.gaps) for g in queued["progress.knowledge_gaps"]] == [3]  # only the all-1 assessment
    assert {g.severity for g in queued["progress.knowledge_gaps"][0].gaps} == {progress_res.GAP_SEVERITY_HIGH}


def test_rescoring_is_a_new_assessment_that_supersedes(m, assessment_owner_sql):
    rubric = m.published()
    first = m.submit(rubric)
    better = m.submit(rubric, {**MIXED, "c1": 4}, supersedes_assessment_id=first.assessment_id.upper())
    assert better.assessment_id != first.assessment_id
    assert better.supersedes_assessment_id == first.assessment_id
    assert better.dimension_scores[1].score == 0.75 and not better.dimension_scores[1].weak
    assert m.get_assessment(first.assessment_id) == first  # the old one is unchanged
    events = [e for e in outbox(assessment_owner_sql, m.tenant)["audit"] if e.subject_id == better.assessment_id]
    assert json_format.MessageToDict(events[0].payload)["supersedes_assessment_id"] == first.assessment_id
    fails(grpc.StatusCode.NOT_FOUND, m.submit, rubric, supersedes_assessment_id=str(uuid.uuid4()))


def test_assessments_are_append_only(m, assessment_owner_sql, assessment_runtime_sql):
    scored = m.submit(m.published())
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        assessment_runtime_sql.execute("UPDATE procurement_maturity_assessments SET total_score = 1 "
                                       "WHERE assessment_id = %s", (scored.assessment_id,))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        assessment_runtime_sql.execute("DELETE FROM procurement_maturity_assessments WHERE assessment_id = %s",
                                       (scored.assessment_id,))
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        assessment_owner_sql.execute("UPDATE procurement_maturity_assessments SET maturity_level = 5 "
                                     "WHERE assessment_id = %s", (scored.assessment_id,))
    assert m.get_assessment(scored.assessment_id) == scored


def test_submit_needs_a_published_version(m):
    draft = m.create()
    error = fails(grpc.StatusCode.FAILED_PRECONDITION, m.submit, draft)
    assert precondition_types(error) == ["RUBRIC_NOT_PUBLISHED"]
    fails(grpc.StatusCode.NOT_FOUND, m.submit, res.MaturityRubric(rubric_id=draft.rubric_id, version=2))
    fails(grpc.StatusCode.NOT_FOUND, m.submit, res.MaturityRubric(rubric_id=str(uuid.uuid4()), version=1))


def test_every_question_is_rated_exactly_once(m, assessment_owner_sql):
    rubric = m.published()
    before = assessment_owner_sql.execute("SELECT count(*) FROM outbox WHERE tenant_id = %s",
                                          (m.tenant,)).fetchone()[0]
    wrong = responses({"s1": 5, "zz": 3, "s1 ": 2, "c1": 0, "r1": 6}, {"r1": "x" * 2001}) + responses({"s1": 4})
    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.submit, rubric, responses=wrong)
    violations = field_violations(error)
    assert set(violations) == {"responses[2].question_key", "responses[3].rating", "responses[4].rating",
                               "responses[4].note", "responses[5].question_key"}
    assert "once" in violations["responses[5].question_key"]
    # Well-formed keys that the rubric does not know, and questions left out, are named against the rubric.
    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.submit, rubric,
                  responses=responses({"s1": 5, "zz": 3, "c1": 2, "r2": 1}))
    violations = field_violations(error)
    assert set(violations) == {"responses[1].question_key", "responses"}
    assert "s2" in violations["responses"] and "r1" in violations["responses"]
    fails(grpc.StatusCode.INVALID_ARGUMENT, m.submit, rubric, responses=[])
    after = assessment_owner_sql.execute("SELECT count(*) FROM outbox WHERE tenant_id = %s",
                                         (m.tenant,)).fetchone()[0]
    assert after == before


def test_submit_retry_returns_the_same_assessment_and_queues_nothing_more(m, assessment_owner_sql):
    rubric = m.published()
    request = m.submit_request(rubric, request_id=str(uuid.uuid4()))
    first = m.stub.SubmitMaturityAssessment(request, metadata=m.a.admin_md).assessment
    count = "SELECT count(*) FROM outbox WHERE tenant_id = %s"
    queued = assessment_owner_sql.execute(count, (m.tenant,)).fetchone()[0]
    assert queued == 4  # rubric publication, then the audit event, the maturity result and the gaps
    assert m.stub.SubmitMaturityAssessment(request, metadata=m.a.admin_md).assessment == first
    assert assessment_owner_sql.execute(count, (m.tenant,)).fetchone()[0] == queued
    assert assessment_owner_sql.execute("SELECT count(*) FROM procurement_maturity_assessments WHERE tenant_id = %s",
                                        (m.tenant,)).fetchone()[0] == 1
    other = m.submit_request(rubric, {**MIXED, "s1": 1}, request_id=request.request_id)
    error = fails(grpc.StatusCode.ALREADY_EXISTS, m.stub.SubmitMaturityAssessment, other, metadata=m.a.admin_md)
    assert any(getattr(d, "metadata", {}).get("assessment_id") == first.assessment_id for d in status_details(error))


# --------------------------------------------------------------------------------------------------------
# Roles
# --------------------------------------------------------------------------------------------------------


def test_roles(m):
    a = m.a
    rubric = m.published()
    assessed = m.submit(rubric)
    denied = grpc.StatusCode.PERMISSION_DENIED
    # A learner takes no part in organization maturity at all.
    fails(denied, m.create, md=a.learner_md)
    fails(denied, m.get, rubric.rubric_id, md=a.learner_md)
    fails(denied, m.submit, rubric, md=a.learner_md)
    fails(denied, m.get_assessment, assessed.assessment_id, md=a.learner_md)
    fails(denied, m.stub.ListMaturityAssessments, svc.ListMaturityAssessmentsRequest(tenant_id=m.tenant),
          metadata=a.learner_md)
    # An author writes rubrics but neither assesses nor reads assessments.
    assert m.get(rubric.rubric_id, md=a.author_md) == rubric
    fails(denied, m.submit, rubric, md=a.author_md)
    fails(denied, m.get_assessment, assessed.assessment_id, md=a.author_md)
    # An auditor and a service read; neither writes rubrics; a service assesses.
    fails(denied, m.create, md=a.auditor_md)
    fails(denied, m.create, md=a.service_md)
    fails(denied, m.publish, rubric.rubric_id, 1, md=a.auditor_md)
    fails(denied, m.submit, rubric, md=a.auditor_md)
    assert m.get(rubric.rubric_id, md=a.service_md) == rubric
    assert m.get_assessment(assessed.assessment_id, md=a.service_md) == assessed
    assert m.submit(rubric, md=a.service_md).maturity_level == 2
    _, reviewer_md = a.mentor_md()
    assert m.get_assessment(assessed.assessment_id, md=reviewer_md) == assessed
    fails(grpc.StatusCode.UNAUTHENTICATED, m.get_assessment, assessed.assessment_id,
          md=(("authorization", "Bearer nope"),))


# --------------------------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------------------------


def _pages(call, request, field: str, md, size: int) -> list[list]:
    pages, token = [], ""
    while True:
        request.page_size, request.page_token = size, token
        answer = call(request, metadata=md)
        pages.append(list(getattr(answer, field)))
        token = answer.next_page_token
        if not token:
            return pages


def test_list_rubrics_filters_and_pages(m):
    one = m.published()
    two = m.create(rubric_id=one.rubric_id)
    three = m.create()
    request = svc.ListMaturityRubricsRequest(tenant_id=m.tenant)
    everything = m.stub.ListMaturityRubrics(request, metadata=m.a.auditor_md).rubrics
    assert [(r.rubric_id, r.version) for r in everything] == [
        (three.rubric_id, 1), (two.rubric_id, 2), (one.rubric_id, 1)]
    pages = _pages(m.stub.ListMaturityRubrics, svc.ListMaturityRubricsRequest(tenant_id=m.tenant), "rubrics",
                   m.a.auditor_md, 2)
    assert [len(p) for p in pages] == [2, 1] and [r for p in pages for r in p] == list(everything)
    mine = m.stub.ListMaturityRubrics(svc.ListMaturityRubricsRequest(tenant_id=m.tenant, rubric_id=one.rubric_id),
                                      metadata=m.a.auditor_md).rubrics
    assert [r.version for r in mine] == [2, 1]
    drafts = m.stub.ListMaturityRubrics(svc.ListMaturityRubricsRequest(tenant_id=m.tenant, state=DRAFT),
                                        metadata=m.a.auditor_md).rubrics
    assert {(r.rubric_id, r.version) for r in drafts} == {(two.rubric_id, 2), (three.rubric_id, 1)}
    published = m.stub.ListMaturityRubrics(svc.ListMaturityRubricsRequest(
        tenant_id=m.tenant, rubric_id=one.rubric_id, state=PUBLISHED), metadata=m.a.auditor_md).rubrics
    assert list(published) == [one]

    first_page = m.stub.ListMaturityRubrics(svc.ListMaturityRubricsRequest(tenant_id=m.tenant, page_size=1),
                                            metadata=m.a.auditor_md)
    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.stub.ListMaturityRubrics, svc.ListMaturityRubricsRequest(
        tenant_id=m.tenant, state=DRAFT, page_token=first_page.next_page_token), metadata=m.a.auditor_md)
    assert "page_token" in field_violations(error)
    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.stub.ListMaturityRubrics, svc.ListMaturityRubricsRequest(
        tenant_id=m.tenant, rubric_id="nope", state=9, page_size=-1), metadata=m.a.auditor_md)
    assert set(field_violations(error)) == {"rubric_id", "state", "page_size"}


def test_list_assessments_filters_and_pages(m):
    rubric = m.published()
    other = m.published(rubric_content(title="Other rubric"))
    made = [m.submit(rubric), m.submit(rubric, {k: 5 for k in MIXED}), m.submit(other),
            m.submit(rubric, {k: 1 for k in MIXED})]

    def listed(md=None, **kw) -> list[str]:
        return [a.assessment_id for a in m.stub.ListMaturityAssessments(svc.ListMaturityAssessmentsRequest(
            tenant_id=m.tenant, **kw), metadata=md or m.a.auditor_md).assessments]

    newest_first = [a.assessment_id for a in reversed(made)]
    assert listed() == newest_first
    pages = _pages(m.stub.ListMaturityAssessments, svc.ListMaturityAssessmentsRequest(tenant_id=m.tenant),
                   "assessments", m.a.auditor_md, 3)
    assert [[a.assessment_id for a in p] for p in pages] == [newest_first[:3], newest_first[3:]]
    assert listed(rubric_id=rubric.rubric_id) == [made[3].assessment_id, made[1].assessment_id,
                                                  made[0].assessment_id]
    assert listed(maturity_level=2) == [made[2].assessment_id, made[0].assessment_id]
    assert listed(maturity_level=3, rubric_id=rubric.rubric_id) == [made[1].assessment_id]
    assert listed(maturity_level=4) == []
    start = made[1].submit_time
    end = Timestamp(seconds=made[3].submit_time.seconds, nanos=made[3].submit_time.nanos)
    assert listed(submit_time=common_pb2.TimeRange(start_time=start, end_time=end)) == [
        made[2].assessment_id, made[1].assessment_id]  # start inclusive, end exclusive
    assert listed(md=m.a.service_md, submit_time=common_pb2.TimeRange(start_time=made[3].submit_time)) == [
        made[3].assessment_id]

    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.stub.ListMaturityAssessments,
                  svc.ListMaturityAssessmentsRequest(tenant_id=m.tenant, rubric_id="x", maturity_level=6,
                                                     submit_time=common_pb2.TimeRange(start_time=end, end_time=start),
                                                     page_token="forged"), metadata=m.a.auditor_md)
    assert set(field_violations(error)) == {"rubric_id", "maturity_level", "submit_time"}
    first = m.stub.ListMaturityAssessments(svc.ListMaturityAssessmentsRequest(tenant_id=m.tenant, page_size=1),
                                           metadata=m.a.auditor_md)
    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.stub.ListMaturityAssessments, svc.ListMaturityAssessmentsRequest(
        tenant_id=m.tenant, maturity_level=2, page_token=first.next_page_token), metadata=m.a.auditor_md)
    assert "page_token" in field_violations(error)


# --------------------------------------------------------------------------------------------------------
# Bad rubric content
# --------------------------------------------------------------------------------------------------------


def test_bad_rubric_content_names_every_field(m):
    q = res.MaturityQuestion
    bad = rubric_content(
        title=" ", description="d" * 5001,
        dimensions=[
            res.MaturityDimension(dimension_key="ok", title="A", topic_area="x" * 201, weight=0, questions=[
                q(question_key="dup", text="Q", weight=1), q(question_key="bad key", text="", weight=101)]),
            res.MaturityDimension(dimension_key="ok", title="B\x00", topic_area="B", weight=math.nan, questions=[
                q(question_key="dup", text="Q", weight=math.inf)]),
            res.MaturityDimension(dimension_key="", title="C", topic_area="C", weight=1),
        ],
        level_thresholds=[res.MaturityLevelThreshold(level=1, min_score=0.1),
                          res.MaturityLevelThreshold(level=3, min_score=0.5),
                          res.MaturityLevelThreshold(level=3, min_score=0.5),
                          res.MaturityLevelThreshold(level=4, min_score=1.5)],
        gap_threshold=0)
    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.create, bad)
    assert set(field_violations(error)) == {
        "rubric.title", "rubric.description",
        "rubric.dimensions[0].topic_area", "rubric.dimensions[0].weight",
        "rubric.dimensions[0].questions[1].question_key", "rubric.dimensions[0].questions[1].text",
        "rubric.dimensions[0].questions[1].weight",
        "rubric.dimensions[1].dimension_key", "rubric.dimensions[1].title", "rubric.dimensions[1].weight",
        "rubric.dimensions[1].questions[0].question_key", "rubric.dimensions[1].questions[0].weight",
        "rubric.dimensions[2].dimension_key", "rubric.dimensions[2].questions",
        "rubric.level_thresholds[0].min_score", "rubric.level_thresholds[1].level",
        "rubric.level_thresholds[2].min_score",
        "rubric.level_thresholds[3].min_score", "rubric.gap_threshold"}


def test_rubric_size_limits(m):
    question = res.MaturityQuestion(question_key="q", text="Q", weight=1)
    fails(grpc.StatusCode.INVALID_ARGUMENT, m.create, rubric_content(dimensions=[]))
    too_many = [res.MaturityDimension(dimension_key=f"d{i}", title="D", topic_area="T", weight=1, questions=[
        res.MaturityQuestion(question_key=f"d{i}q{j}", text="Q", weight=1) for j in range(50)]) for i in range(11)]
    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.create, rubric_content(dimensions=too_many))
    assert set(field_violations(error)) == {"rubric.dimensions"}  # 550 questions, 500 at most
    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.create, rubric_content(dimensions=[
        res.MaturityDimension(dimension_key="d", title="D", topic_area="T", weight=1, questions=[question] * 51)]))
    assert "rubric.dimensions[0].questions" in field_violations(error)
    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.create, rubric_content(level_thresholds=[
        res.MaturityLevelThreshold(level=i + 1, min_score=i / 10) for i in range(6)]))
    assert set(field_violations(error)) == {"rubric.level_thresholds"}
    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.stub.CreateMaturityRubric, svc.CreateMaturityRubricRequest(
        tenant_id=m.tenant, request_id="r-1", rubric_id="nope"), metadata=m.a.author_md)
    assert set(field_violations(error)) == {"request_id", "rubric_id", "rubric"}
    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.stub.UpdateMaturityRubric, svc.UpdateMaturityRubricRequest(
        tenant_id=m.tenant, rubric_id=str(uuid.uuid4()), version=0), metadata=m.a.author_md)
    assert set(field_violations(error)) == {"version", "rubric"}
    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.stub.GetMaturityRubric, svc.GetMaturityRubricRequest(
        tenant_id=m.tenant, rubric_id="", version=-1), metadata=m.a.author_md)
    assert set(field_violations(error)) == {"rubric_id", "version"}
    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.get_assessment, "not-a-uuid")
    assert set(field_violations(error)) == {"assessment_id"}
    # The largest rubric allowed is accepted: 10 dimensions of 50 questions, five levels.
    biggest = m.create(rubric_content(dimensions=too_many[:10], level_thresholds=[
        res.MaturityLevelThreshold(level=i + 1, min_score=i / 5) for i in range(5)]))
    assert sum(len(d.questions) for d in biggest.dimensions) == 500


def test_rubrics_and_responses_are_bounded_as_a_whole(m):
    wide = "\u20ac" * 2000  # 6000 bytes in UTF-8: 500 such questions pass every field limit, not the whole
    dimensions = [res.MaturityDimension(dimension_key=f"d{i}", title="D", topic_area="T", weight=1, questions=[
        res.MaturityQuestion(question_key=f"d{i}q{j}", text=wide, weight=1) for j in range(50)]) for i in range(10)]
    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.create, rubric_content(dimensions=dimensions))
    assert set(field_violations(error)) == {"rubric"}
    # 400 notes of 6000 bytes: 2.4 MB, refused before the rubric is even read.
    error = fails(grpc.StatusCode.INVALID_ARGUMENT, m.submit, m.published(), responses=[
        res.MaturityResponse(question_key=f"q{j}", rating=3, note=wide) for j in range(400)])
    assert set(field_violations(error)) == {"responses"}


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
NEVER = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN}
texts = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=250)  # no lone surrogates: not UTF-8
notes = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=2100)
numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 1e-300, 100.0,
                                                                                       100.00001, 1.0, 1.0000001]))


def _outcome(call, request, md) -> tuple[grpc.StatusCode, dict[str, str]]:
    try:
        call(request, metadata=md)
    except grpc.RpcError as error:
        assert error.code() not in NEVER, error.details()
        return error.code(), field_violations(error)
    return grpc.StatusCode.OK, {}


@FUZZ
@given(title=texts, topic=texts, key=texts, weight=numbers, min_score=numbers, gap=numbers)
def test_generated_rubric_fields_are_accepted_or_named(m, title, topic, key, weight, min_score, gap):
    content = rubric_content(title=title, gap_threshold=gap, dimensions=[res.MaturityDimension(
        dimension_key=key, title="D", topic_area=topic, weight=weight, questions=[
            res.MaturityQuestion(question_key="q1", text="Q", weight=1)])], level_thresholds=[
        res.MaturityLevelThreshold(level=1, min_score=0), res.MaturityLevelThreshold(level=2, min_score=min_score)])
    code, violations = _outcome(m.stub.CreateMaturityRubric, svc.CreateMaturityRubricRequest(
        tenant_id=m.tenant, rubric=content), m.a.author_md)
    expected = {
        "rubric.title": not (title.strip() and len(title.strip()) <= 200 and "\x00" not in title),
        "rubric.dimensions[0].topic_area": not (topic.strip() and len(topic.strip()) <= 200 and "\x00" not in topic),
        "rubric.dimensions[0].dimension_key": not domain_key(key),
        "rubric.dimensions[0].weight": not (math.isfinite(weight) and 0 < weight <= 100),
        "rubric.level_thresholds[1].min_score": not (math.isfinite(min_score) and 0 < min_score <= 1),
        "rubric.gap_threshold": not (math.isfinite(gap) and 0 < gap <= 1)}
    assert set(violations) == {field for field, bad in expected.items() if bad}
    assert code == (grpc.StatusCode.INVALID_ARGUMENT if violations else grpc.StatusCode.OK)


def domain_key(key: str) -> bool:
    return 1 <= len(key) <= 64 and all(c.isascii() and (c.isalnum() or c in "_-") for c in key)


@FUZZ
@given(key=texts, rating=st.integers(-2**31, 2**31 - 1), note=notes,
       version=st.integers(-2**31, 2**31 - 1))
def test_generated_responses_are_accepted_or_named(m, published_rubric, key, rating, note, version):
    ratings = {**MIXED, "s1": rating}
    request = m.submit_request(published_rubric, ratings, rubric_version=version)
    request.responses[0].note = note
    request.responses.append(res.MaturityResponse(question_key=key, rating=3))
    code, violations = _outcome(m.stub.SubmitMaturityAssessment, request, m.a.admin_md)
    assert code in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND)  # the extra response is never ok
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        assert violations and all(f.startswith("responses") or f == "rubric_version" for f in violations)
        if not 1 <= rating <= 5:
            assert "responses[0].rating" in violations
        if version < 1:
            assert "rubric_version" in violations
    else:
        assert version != 1


@pytest.fixture
def published_rubric(m) -> res.MaturityRubric:
    return m.published()


# --------------------------------------------------------------------------------------------------------
# The scoring rules on plain data (no database)
# --------------------------------------------------------------------------------------------------------


def _content(thresholds=(0, 0.4, 0.7), gap=0.5, weights=(3, 1, 4)) -> domain.RubricContent:
    q = domain.Question
    return domain.RubricContent("R", "", (
        domain.Dimension("sourcing", "Sourcing", "Strategic sourcing", weights[0], (q("s1", "", 1), q("s2", "", 3))),
        domain.Dimension("contracts", "Contracts", "contract  MANAGEMENT", weights[1], (q("c1", "", 2),)),
        domain.Dimension("risk", "Risk", "Contract management", weights[2], (q("r1", "", 1), q("r2", "", 3)))),
        tuple(domain.LevelThreshold(i + 1, s) for i, s in enumerate(thresholds)), gap)


def _ratings(values: dict[str, int]) -> dict[str, domain.Rating]:
    return {k: domain.Rating(k, v, "") for k, v in values.items()}


def test_scores_are_weighted_means_of_quarter_steps():
    assert [domain.question_score(r) for r in range(1, 6)] == [0, 0.25, 0.5, 0.75, 1]
    scored = domain.score(_content(), _ratings(MIXED))
    assert [d.score for d in scored.dimension_scores] == [0.625, 0.0, 0.4375]
    assert (scored.total_score, scored.maturity_level) == (0.453125, 2)
    # Weights are relative: scaling them all changes nothing, and tiny ones do not underflow.
    assert domain.score(_content(weights=(3e-300, 1e-300, 4e-300)), _ratings(MIXED)).total_score == 0.453125
    assert domain.score(_content(weights=(30, 10, 40)), _ratings(MIXED)) == scored


def test_levels_reach_a_threshold_exactly_despite_float_noise():
    # Weights 0.1, 0.1, 0.3 with scores 0, 0, 0.75 average to 0.45 on paper, 0.44999999999999996 in floats:
    # the total is rounded, so a 0.45 level is reached and the stored score reads 0.45.
    q = domain.Question
    content = domain.RubricContent("R", "", (
        domain.Dimension("a", "A", "A", 0.1, (q("a1", "", 1),)),
        domain.Dimension("b", "B", "B", 0.1, (q("b1", "", 1),)),
        domain.Dimension("c", "C", "C", 0.3, (q("c1", "", 1),))),
        (domain.LevelThreshold(1, 0), domain.LevelThreshold(2, 0.45)), 0.5)
    assert domain.weighted_mean([(0.1, 0), (0.1, 0), (0.3, 0.75)]) < 0.45
    scored = domain.score(content, _ratings({"a1": 1, "b1": 1, "c1": 4}))
    assert (scored.total_score, scored.maturity_level) == (0.45, 2)


def test_weak_dimensions_become_one_gap_per_topic_with_the_highest_severity():
    scored = domain.score(_content(), _ratings(MIXED))
    # contracts (0.0: HIGH) and risk (0.4375: MEDIUM) share a topic area up to case and spacing.
    assert domain.organization_gaps(scored, 0.5) == [
        domain.OrganizationGap("contract  MANAGEMENT", domain.Severity.HIGH)]
    assert domain.organization_gaps(domain.score(_content(), _ratings({k: 5 for k in MIXED})), 0.5) == []
