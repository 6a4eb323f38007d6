"""Maturity rubrics and assessments between the wire and the domain: the state enum, rows into protos, and
the messages a scored assessment sends to progress."""

from __future__ import annotations

from datetime import datetime

from learning.assessment.v1 import assessment_resources_pb2 as res
from learning.progress.v1 import progress_resources_pb2 as progress_res
from learning.progress.v1 import progress_service_pb2 as progress_svc
from services.assessment.domain import maturity as domain
from shared.sql import Row
from shared.timeutil import to_timestamp

STATES = {res.MATURITY_RUBRIC_STATE_DRAFT: domain.DRAFT, res.MATURITY_RUBRIC_STATE_PUBLISHED: domain.PUBLISHED}
STATE_PROTO = {state: number for number, state in STATES.items()}
SEVERITY_PROTO = {domain.Severity.MEDIUM: progress_res.GAP_SEVERITY_MEDIUM,
                  domain.Severity.HIGH: progress_res.GAP_SEVERITY_HIGH}


def content(row: Row) -> domain.RubricContent:
    return domain.RubricContent.from_json(row.title, row.description, row.dimensions, row.level_thresholds,
                                          row.gap_threshold)


def rubric(row: Row) -> res.MaturityRubric:
    return res.MaturityRubric(
        rubric_id=row.rubric_id, tenant_id=row.tenant_id, version=row.version, state=STATE_PROTO[row.state],
        title=row.title, description=row.description,
        dimensions=[res.MaturityDimension(
            dimension_key=d["dimension_key"], title=d["title"], topic_area=d["topic_area"], weight=d["weight"],
            questions=[res.MaturityQuestion(question_key=q["question_key"], text=q["text"], weight=q["weight"])
                       for q in d["questions"]]) for d in row.dimensions],
        level_thresholds=[res.MaturityLevelThreshold(level=t["level"], min_score=t["min_score"])
                          for t in row.level_thresholds],
        gap_threshold=row.gap_threshold, create_time=to_timestamp(row.created_at),
        update_time=to_timestamp(row.updated_at), publish_time=to_timestamp(row.published_at),
        published_by=row.published_by)


def assessment(row: Row) -> res.MaturityAssessment:
    return res.MaturityAssessment(
        assessment_id=row.assessment_id, tenant_id=row.tenant_id, rubric_id=row.rubric_id,
        rubric_version=row.rubric_version, assessor_id=row.assessor_id,
        responses=[res.MaturityResponse(question_key=r["question_key"], rating=r["rating"], note=r["note"])
                   for r in row.responses],
        dimension_scores=[res.DimensionScore(dimension_key=d["dimension_key"], title=d["title"],
                                             topic_area=d["topic_area"], score=d["score"], weak=d["weak"])
                          for d in row.dimension_scores],
        total_score=row.total_score, maturity_level=row.maturity_level,
        supersedes_assessment_id=row.supersedes_assessment_id or "", submit_time=to_timestamp(row.submitted_at))


def _source(assessment_id: str) -> progress_res.SourceReference:
    return progress_res.SourceReference(domain=domain.SOURCE_DOMAIN, type=domain.ASSESSMENT_SUBJECT,
                                        id=assessment_id)


def maturity_result(tenant_id: str, assessment_id: str, scored: domain.ScoredAssessment,
                    assessed_at: datetime) -> progress_svc.RecordMaturityResultRequest:
    """The organization's result for its learning profile in progress (keyed there by the assessment)."""
    return progress_svc.RecordMaturityResultRequest(
        tenant_id=tenant_id, assessment=_source(assessment_id), maturity_level=scored.maturity_level,
        maturity_score=scored.total_score, assess_time=to_timestamp(assessed_at))


def knowledge_gaps(tenant_id: str, assessment_id: str,
                   gaps: list[domain.OrganizationGap]) -> progress_svc.RecordKnowledgeGapsRequest:
    """Organization gaps (no user_id), found by and evidenced by the assessment."""
    return progress_svc.RecordKnowledgeGapsRequest(tenant_id=tenant_id, gaps=[
        progress_res.KnowledgeGap(topic_area=gap.topic_area, severity=SEVERITY_PROTO[gap.severity],
                                  evidence=[_source(assessment_id)], source=_source(assessment_id))
        for gap in gaps])
