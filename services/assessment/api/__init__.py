"""gRPC servicer of learning.assessment.v1.AssessmentService.

Each RPC is a module-level function of the resource module it belongs to (training_sessions,
quiz_attempts, exercise_submissions, maturity), taking (api, request, context):
authorize -> validate -> one unit of work -> convert. The class only lists them and holds what they
share; access.py has the role sets.
"""

from __future__ import annotations

import logging

from learning.assessment.v1 import assessment_service_pb2_grpc
from services.assessment.api import exercise_submissions, maturity, quiz_attempts, training_sessions
from services.assessment.catalog_content import CatalogContent
from services.assessment.domain.training_sessions import Session
from services.assessment.scoring import Scorer
from shared.lru import LruCache
from shared.unit_of_work import UnitsOfWork


class AssessmentApi(assessment_service_pb2_grpc.AssessmentServiceServicer):
    def __init__(self, work: UnitsOfWork, catalog: CatalogContent, scorer: Scorer, *,
                 retry_seconds: float = 5.0) -> None:
        self.work = work  # one transaction per RPC, with this service's outbox and idempotency keys
        self.catalog = catalog  # published course versions with their answer keys (cached, never stored)
        self.scorer = scorer  # free-text scoring: built-in rubric scorer or the configured external one
        self.retry_seconds = retry_seconds  # first wait before a pending answer is scored again
        # training sessions as first read, for what never changes after the start (frozen content, policy)
        self.frozen: LruCache[tuple[str, str], Session] = LruCache(4096)

    StartTrainingSession = training_sessions.start_training_session
    GetTrainingSession = training_sessions.get_training_session
    ListTrainingSessions = training_sessions.list_training_sessions
    SubmitTrainingAnswer = training_sessions.submit_training_answer
    EvaluateTrainingSession = training_sessions.evaluate_training_session
    AbandonTrainingSession = training_sessions.abandon_training_session

    StartQuizAttempt = quiz_attempts.start_quiz_attempt
    AnswerQuizQuestion = quiz_attempts.answer_quiz_question
    SubmitQuizAttempt = quiz_attempts.submit_quiz_attempt
    GetQuizAttempt = quiz_attempts.get_quiz_attempt
    ListQuizAttempts = quiz_attempts.list_quiz_attempts

    SubmitExercise = exercise_submissions.submit_exercise
    ReviewSubmission = exercise_submissions.review_submission
    GetExerciseSubmission = exercise_submissions.get_exercise_submission
    ListExerciseSubmissions = exercise_submissions.list_exercise_submissions

    CreateMaturityRubric = maturity.create_maturity_rubric
    UpdateMaturityRubric = maturity.update_maturity_rubric
    PublishMaturityRubric = maturity.publish_maturity_rubric
    GetMaturityRubric = maturity.get_maturity_rubric
    ListMaturityRubrics = maturity.list_maturity_rubrics
    SubmitMaturityAssessment = maturity.submit_maturity_assessment
    GetMaturityAssessment = maturity.get_maturity_assessment
    ListMaturityAssessments = maturity.list_maturity_assessments

    async def score_pending(self) -> int:
        """Background: score answers the scorer (or the catalog) could not score before; returns how many."""
        scored = 0
        for resource in (training_sessions, quiz_attempts):
            try:
                scored += await resource.score_pending(self)
            except Exception:  # noqa: BLE001 - one resource's failed round must not stop the other's
                logging.getLogger("learning.assessment").exception("%s: scoring pending answers failed",
                                                                   resource.__name__)
        return scored
