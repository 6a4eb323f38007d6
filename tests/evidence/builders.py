"""Builders of realistic, valid evidence requests (seed 002 shapes) for tests and benchmarks."""

from __future__ import annotations

import uuid

from google.protobuf.timestamp_pb2 import Timestamp

from learning.evidence.v1 import evidence_resources_pb2 as pb
from learning.evidence.v1 import evidence_service_pb2 as spb

BASE = 1_771_578_900  # 2026-02-20T09:15:00Z


def ts(offset_seconds: float) -> Timestamp:
    whole = int(offset_seconds)
    return Timestamp(seconds=BASE + whole, nanos=int(round((offset_seconds - whole) * 1e9)))


def mc_question(i: int, score: float = 1.0) -> pb.QuizQuestionEvidence:
    return pb.QuizQuestionEvidence(
        question_id=f"q-{i}", question_text=f"Which clause governs supplier onboarding, case {i}?",
        response_type=pb.RESPONSE_TYPE_MULTIPLE_CHOICE,
        options=[pb.Option(key=k, text=f"Option {k} for question {i}") for k in "abcd"],
        employee_answer=pb.AnswerEvidence(selected_option="b", score=score, submit_time=ts(600 + i)))


def ft_question(i: int, score: float = 0.5) -> pb.QuizQuestionEvidence:
    return pb.QuizQuestionEvidence(
        question_id=f"q-ft-{i}", question_text=f"Explain the three-quote rule, case {i}.",
        response_type=pb.RESPONSE_TYPE_FREE_TEXT,
        employee_answer=pb.AnswerEvidence(free_text_response="Three quotes are needed above the threshold.",
                                          llm_rationale="Mentions the threshold; misses the exception.",
                                          score=score, submit_time=ts(700 + i)))


def scenario(i: int) -> pb.ScenarioEvidence:
    return pb.ScenarioEvidence(
        scenario_id=f"s-{i}", narrative=f"A supplier offers a gift during tender {i}. What do you do?",
        response_type=pb.RESPONSE_TYPE_FREE_TEXT,
        employee_answer=pb.AnswerEvidence(free_text_response="Decline and report it.", llm_rationale="Correct.",
                                          score=0.75, submit_time=ts(300 + i)))


def module(index: int, questions: int = 10, score: float | None = 0.8) -> pb.ModuleEvidence:
    m = pb.ModuleEvidence(
        module_index=index, title=f"Module {index}", topic_area=f"topic-{index}",
        scenarios=[scenario(index * 10 + j) for j in range(2)],
        quiz_questions=[mc_question(index * 100 + j) if j % 3 else ft_question(index * 100 + j)
                        for j in range(questions)])
    if score is not None:
        m.module_score = score
        m.completed_time.CopyFrom(ts(1200 + index))
    return m


def request(tenant: str, *, modules: int = 3, questions: int = 4, status: int = pb.SESSION_STATUS_PASSED,
            session_id: str | None = None, employee_id: str | None = None) -> spb.RecordTrainingEvidenceRequest:
    session_id = session_id or str(uuid.uuid4())
    employee_id = employee_id or str(uuid.uuid4())
    abandoned = status == pb.SESSION_STATUS_ABANDONED
    mods = [module(i, questions, None if abandoned else 0.8) for i in range(modules)]
    body = pb.EvidenceBody(
        session=pb.SessionSummary(session_id=session_id, employee_id=employee_id, tenant_id=tenant,
                                  attempt_number=1, total_attempts=1, status=status, create_time=ts(0)),
        policy_attestation=pb.PolicyAttestation(config_hash="c" * 64, role_profile_id="buyer",
                                                role_profile_version=2, app_version="1.4.2",
                                                pass_threshold=0.7, max_attempts=3),
        modules=mods,
        outcome=pb.OutcomeSummary(pass_threshold=0.7, module_scores=[
            pb.ModuleScore(module_index=m.module_index, title=m.title,
                           **({"score": m.module_score} if m.HasField("module_score") else {})) for m in mods]),
    )
    if not abandoned:
        body.session.completed_time.CopyFrom(ts(3600))
        body.outcome.aggregate_score = 0.8
        body.outcome.passed = status == pb.SESSION_STATUS_PASSED
    if status == pb.SESSION_STATUS_EXHAUSTED:
        body.outcome.weak_areas.topic_areas.extend(["topic-1"])
    return spb.RecordTrainingEvidenceRequest(tenant_id=tenant, session_id=session_id, employee_id=employee_id,
                                             evidence=body)
