"""Knowledge gaps and recommendations against real PostgreSQL and the real catalog server."""

from __future__ import annotations

import uuid

import grpc
import pytest

from learning.progress.v1 import progress_resources_pb2 as res
from learning.progress.v1 import progress_service_pb2 as svc
from tests.progress.conftest import completing_events, publish_course
from tests.support.rpc import field_violations, status_details

ASSESSMENT = res.SourceReference(domain="assessment", type="maturity_assessment", id="ma-2026-11")


def _gap(user_id: str = "", topic: str = "Supplier risk", severity=res.GAP_SEVERITY_HIGH, source=ASSESSMENT,
         evidence=()) -> res.KnowledgeGap:
    return res.KnowledgeGap(user_id=user_id, topic_area=topic, severity=severity, source=source, evidence=evidence)


def _record(p, *gaps) -> svc.RecordKnowledgeGapsResponse:
    return p.stub.RecordKnowledgeGaps(svc.RecordKnowledgeGapsRequest(tenant_id=p.tenant, gaps=gaps),
                                      metadata=p.service_md)


def _violation_type(error) -> str:
    return next(d.violations[0].type for d in status_details(error) if hasattr(d, "violations") and d.violations)


def test_a_gap_gets_a_course_recommended_and_completing_it_addresses_the_gap(progress, catalog, progress_owner_sql):
    p = progress
    tagged = publish_course(catalog, metadata={"topic_areas": "ethics, Supplier Risk"})
    publish_course(catalog, metadata={"topic_areas": "negotiation"})  # another topic: not recommended
    answer = _record(p, _gap(p.learner, topic="  supplier   RISK "))
    gap = answer.gaps[0]
    assert gap.topic_area == "supplier risk" and gap.status == res.GAP_STATUS_OPEN
    assert [(r.course_id, r.gap_id, r.automatic) for r in answer.recommendations] == [(tagged.course_id,
                                                                                       gap.gap_id, True)]
    assert answer.recommendations[0].priority == res.RECOMMENDATION_PRIORITY_HIGH
    p.record(completing_events(p.learner, tagged))
    mine = p.stub.ListRecommendations(svc.ListRecommendationsRequest(tenant_id=p.tenant, user_id=p.learner),
                                      metadata=p.learner_md).recommendations
    assert [r.status for r in mine] == [res.RECOMMENDATION_STATUS_COMPLETED]
    gaps = p.stub.ListKnowledgeGaps(svc.ListKnowledgeGapsRequest(tenant_id=p.tenant, user_id=p.learner),
                                    metadata=p.learner_md).gaps
    assert [g.status for g in gaps] == [res.GAP_STATUS_ADDRESSED]
    actions = [row[0] for row in progress_owner_sql.execute(
        "SELECT message FROM outbox WHERE tenant_id = %s AND destination = 'audit'", (p.tenant,))]
    assert len(actions) == 1 and b"recommendation.created" in bytes(actions[0])


def test_one_open_gap_per_subject_topic_and_source(progress):
    p = progress
    first = _record(p, _gap(p.learner, severity=res.GAP_SEVERITY_LOW, evidence=[
        res.SourceReference(domain="evidence", type="training_evidence", id="e-1")])).gaps[0]
    again = _record(p, _gap(p.learner, topic="SUPPLIER RISK", severity=res.GAP_SEVERITY_CRITICAL, evidence=[
        res.SourceReference(domain="evidence", type="training_evidence", id="e-2")])).gaps[0]
    assert again.gap_id == first.gap_id and again.severity == res.GAP_SEVERITY_CRITICAL
    assert sorted(e.id for e in again.evidence) == ["e-1", "e-2"]
    other_source = _record(p, _gap(p.learner, source=res.SourceReference(domain="progress", type="quiz",
                                                                         id="q-1"))).gaps[0]
    organization = _record(p, _gap()).gaps[0]
    assert len({first.gap_id, other_source.gap_id, organization.gap_id}) == 3 and organization.user_id == ""
    listed = p.stub.ListKnowledgeGaps(svc.ListKnowledgeGapsRequest(tenant_id=p.tenant, organization_only=True),
                                      metadata=p.service_md).gaps
    assert [g.gap_id for g in listed] == [organization.gap_id]
    by_source = p.stub.ListKnowledgeGaps(svc.ListKnowledgeGapsRequest(
        tenant_id=p.tenant, source=res.SourceReference(domain="progress")), metadata=p.service_md).gaps
    assert [g.gap_id for g in by_source] == [other_source.gap_id]


def test_dismissals_need_an_open_gap_or_recommendation(progress, course, tokens):
    p = progress
    reviewer = tokens.metadata(p.tenant, ["reviewer"])
    gap = _record(p, _gap(p.learner)).gaps[0]
    dismissed = p.stub.DismissKnowledgeGap(svc.DismissKnowledgeGapRequest(
        tenant_id=p.tenant, gap_id=gap.gap_id, reason="Covered by the annual training"), metadata=reviewer).gap
    assert dismissed.status == res.GAP_STATUS_DISMISSED and dismissed.dismiss_reason
    with pytest.raises(grpc.RpcError) as caught:
        p.stub.DismissKnowledgeGap(svc.DismissKnowledgeGapRequest(tenant_id=p.tenant, gap_id=gap.gap_id,
                                                                  reason="again"), metadata=reviewer)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION and _violation_type(caught.value) == \
        "GAP_NOT_OPEN"
    request = svc.CreateRecommendationRequest(tenant_id=p.tenant, request_id=str(uuid.uuid4()), recommendation=(
        res.Recommendation(user_id=p.learner, course_id=course.course_id, priority=res.RECOMMENDATION_PRIORITY_MEDIUM,
                           reason="Asked for by the manager", source=res.SourceReference(
                               domain="people", type="manager_request", id="mr-7"))))
    created = p.stub.CreateRecommendation(request, metadata=reviewer).recommendation
    assert p.stub.CreateRecommendation(request, metadata=reviewer).recommendation == created  # a retry
    someone_else = tokens.metadata(p.tenant, ["learner"], subject=str(uuid.uuid4()))
    dismiss = svc.DismissRecommendationRequest(tenant_id=p.tenant, recommendation_id=created.recommendation_id,
                                               reason="Already know it")
    with pytest.raises(grpc.RpcError) as caught:
        p.stub.DismissRecommendation(dismiss, metadata=someone_else)
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    assert p.stub.DismissRecommendation(dismiss, metadata=p.learner_md).recommendation.status == \
        res.RECOMMENDATION_STATUS_DISMISSED
    with pytest.raises(grpc.RpcError) as caught:
        p.stub.DismissRecommendation(dismiss, metadata=p.learner_md)
    assert _violation_type(caught.value) == "RECOMMENDATION_NOT_OPEN"


def test_bad_gaps_and_recommendations_are_invalid_argument_and_roles_hold(progress, course):
    p = progress
    with pytest.raises(grpc.RpcError) as caught:
        _record(p, _gap("not-a-uuid", topic="", severity=9, source=res.SourceReference(domain="Bad Domain")))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {"gaps[0].user_id", "gaps[0].topic_area", "gaps[0].severity", "gaps[0].source.domain",
            "gaps[0].source.type", "gaps[0].source.id"} <= set(field_violations(caught.value))
    with pytest.raises(grpc.RpcError) as caught:
        p.stub.RecordKnowledgeGaps(svc.RecordKnowledgeGapsRequest(tenant_id=p.tenant, gaps=[_gap(p.learner)]),
                                   metadata=p.learner_md)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as caught:
        p.stub.ListRecommendations(svc.ListRecommendationsRequest(tenant_id=p.tenant), metadata=p.learner_md)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as caught:
        p.stub.CreateRecommendation(svc.CreateRecommendationRequest(tenant_id=p.tenant, recommendation=(
            res.Recommendation(user_id=p.learner, course_id=course.course_id, reason="",
                               gap_id=str(uuid.uuid4())))), metadata=p.service_md)
    assert {"recommendation.priority", "recommendation.reason", "recommendation.source"} <= set(
        field_violations(caught.value))
    someone_elses = _record(p, _gap(str(uuid.uuid4()))).gaps[0]
    with pytest.raises(grpc.RpcError) as caught:  # completing it would address another learner's gap
        p.stub.CreateRecommendation(svc.CreateRecommendationRequest(tenant_id=p.tenant, recommendation=(
            res.Recommendation(user_id=p.learner, course_id=course.course_id, reason="r", gap_id=someone_elses.gap_id,
                               priority=res.RECOMMENDATION_PRIORITY_LOW, source=ASSESSMENT))), metadata=p.service_md)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "recommendation.gap_id" in field_violations(caught.value)
