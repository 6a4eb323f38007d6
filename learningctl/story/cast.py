"""The learners' part, and the mentor's: lessons, training sessions, quiz attempts, exercise submissions, reviews.

    Ada   on the learning path: passes the training at once, the tender quiz, an approved RFP   -> 3 certificates
    Ben   fails the training, then passes; fails the quiz, then passes; revises his RFP once      -> 2 certificates
    Cy    fails the training at both attempts (EXHAUSTED): knowledge gaps, the refresher recommended
    Dee   answers one question and abandons the training (ABANDONED)
Every terminal training session becomes one evidence record; every pass of a course (and of the path, for an
enrolled learner) one certificate.
"""

from __future__ import annotations

import time
import uuid

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from learning.assessment.v1 import assessment_resources_pb2 as ares
from learning.assessment.v1 import assessment_service_pb2 as asvc
from learning.common.v1 import common_pb2
from learning.progress.v1 import progress_resources_pb2 as pres
from learning.progress.v1 import progress_service_pb2 as psvc
from learningctl.story.content import Course
from learningctl.story.world import TIMEOUT, Learner, StoryError, World, until

POLICY = ares.TrainingPolicy(pass_threshold=0.7, max_attempts=2, role_profile_id="category-buyer",
                             role_profile_version=1, app_version="learningctl-demo")
ATTACHMENT = ares.EvidenceAttachment(uri="https://files.example.com/rfp-office-supplies.pdf",
                                     media_type="application/pdf", sha256="5" * 64, title="RFP draft")


def lessons(world: World, learner: Learner, course: Course, path: common_pb2.LearningPathVersionRef | None = None):
    """The learner's portal reports the lessons: scenarios completed, videos viewed (naming the path, if any,
    enrolls the learner in it)."""
    now = {"seconds": int(time.time()) - 1}
    events = [pres.ProgressEvent(event_id=str(uuid.uuid4()), user_id=learner.user_id, course=course.ref,
                                 item_kind=pres.ITEM_KIND_LESSON, item_id=lesson_id, occur_time=now,
                                 kind=pres.EVENT_KIND_COMPLETED if interactive else pres.EVENT_KIND_VIEWED,
                                 learning_path=path)
              for lesson_id, interactive in course.lessons]
    world.progress.RecordProgressEvents(psvc.RecordProgressEventsRequest(tenant_id=world.tenant, events=events),
                                        metadata=learner.md, timeout=TIMEOUT)


def _precondition_types(error: grpc.RpcError) -> set[str]:
    """The violation types of a FAILED_PRECONDITION's google.rpc.PreconditionFailure detail."""
    status = rpc_status.from_call(error)
    found: set[str] = set()
    for detail in status.details if status is not None else ():
        if detail.Is(error_details_pb2.PreconditionFailure.DESCRIPTOR):
            failure = error_details_pb2.PreconditionFailure()
            detail.Unpack(failure)
            found |= {violation.type for violation in failure.violations}
    return found


def _evaluate(world: World, learner: Learner, session_id: str, attempt: int) -> ares.TrainingSession:
    """Evaluate the attempt, waiting while free text is still being scored (ITEMS_PENDING: an external scorer)."""
    def attempt_evaluation():
        try:
            return world.assessment.EvaluateTrainingSession(asvc.EvaluateTrainingSessionRequest(
                tenant_id=world.tenant, session_id=session_id, attempt_number=attempt),
                metadata=learner.md, timeout=TIMEOUT).session
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.FAILED_PRECONDITION or "ITEMS_PENDING" not in \
                    _precondition_types(error):
                raise
            return None

    session = until(attempt_evaluation)
    if session is None:
        raise StoryError(f"training session {session_id}: answers still pending after a minute")
    world.expect("quiz.scored")
    return session


def training(world: World, learner: Learner, course: Course, attempts: list[bool], abandon: bool = False) -> str:
    """A training session: one attempt per entry of `attempts` (True: every answer right), or abandoned after
    the first answer. Returns the final status's name."""
    session = world.assessment.StartTrainingSession(asvc.StartTrainingSessionRequest(
        tenant_id=world.tenant, request_id=str(uuid.uuid4()), employee_id=learner.user_id, course=course.ref,
        policy=POLICY), metadata=learner.md, timeout=TIMEOUT).session
    items = [item for module in session.modules for item in (*module.scenarios, *module.quiz_questions)]
    for number, right in enumerate(attempts or [False], start=1):
        for item in items[:1] if abandon else items:
            answer = (course.right if right else course.wrong)[item.item_id]
            fields = {"free_text_response": answer.text} if answer.text else {"selected_option": answer.keys[0]}
            world.assessment.SubmitTrainingAnswer(asvc.SubmitTrainingAnswerRequest(
                tenant_id=world.tenant, session_id=session.session_id, item_id=item.item_id, attempt_number=number,
                **fields), metadata=learner.md, timeout=TIMEOUT)
        if abandon:
            session = world.assessment.AbandonTrainingSession(asvc.AbandonTrainingSessionRequest(
                tenant_id=world.tenant, session_id=session.session_id, reason="Left the company portal."),
                metadata=learner.md, timeout=TIMEOUT).session
            break
        session = _evaluate(world, learner, session.session_id, number)
    world.sessions.append(session.session_id)
    world.done["training sessions"] += 1
    return ares.TrainingSessionStatus.Name(session.status).removeprefix("TRAINING_SESSION_STATUS_").lower()


def quiz(world: World, learner: Learner, course: Course, right: bool) -> str:
    """One attempt at the course's first quiz; its final status's name."""
    stub, md = world.assessment, learner.md
    attempt = stub.StartQuizAttempt(asvc.StartQuizAttemptRequest(
        tenant_id=world.tenant, request_id=str(uuid.uuid4()), user_id=learner.user_id, course=course.ref,
        quiz_id=course.quizzes[0].quiz_id), metadata=md, timeout=TIMEOUT).attempt
    for question in attempt.questions:
        answer = (course.right if right else course.wrong)[question.question_id]
        fields = {"free_text_response": answer.text} if answer.text else {"selected_options": list(answer.keys)}
        stub.AnswerQuizQuestion(asvc.AnswerQuizQuestionRequest(
            tenant_id=world.tenant, attempt_id=attempt.attempt_id, question_id=question.question_id, **fields),
            metadata=md, timeout=TIMEOUT)
    attempt = stub.SubmitQuizAttempt(asvc.SubmitQuizAttemptRequest(
        tenant_id=world.tenant, attempt_id=attempt.attempt_id), metadata=md, timeout=TIMEOUT).attempt
    if attempt.status == ares.QUIZ_ATTEMPT_STATUS_SCORING:  # free text waiting for an external scorer
        def scored():
            found = stub.GetQuizAttempt(asvc.GetQuizAttemptRequest(
                tenant_id=world.tenant, attempt_id=attempt.attempt_id), metadata=md, timeout=TIMEOUT).attempt
            return found if found.status != ares.QUIZ_ATTEMPT_STATUS_SCORING else None

        attempt = until(scored) or attempt
    world.expect("quiz.scored")
    world.done["quiz attempts"] += 1
    return ares.QuizAttemptStatus.Name(attempt.status).removeprefix("QUIZ_ATTEMPT_STATUS_").lower()


def exercise(world: World, learner: Learner, course: Course, decisions: list[int]) -> str:
    """The learner submits the course's exercise; the mentor decides each revision in turn (a resubmission
    follows CHANGES_REQUESTED). Returns the final status's name."""
    submission = None
    for revision, decision in enumerate(decisions, start=1):
        submission = world.assessment.SubmitExercise(asvc.SubmitExerciseRequest(
            tenant_id=world.tenant, request_id=str(uuid.uuid4()), user_id=learner.user_id, course=course.ref,
            exercise_id=course.exercises[0].exercise_id, attachments=[ATTACHMENT],
            text=f"RFP for office supplies, revision {revision}: scope, weighted criteria, a six-week timeline."),
            metadata=learner.md, timeout=TIMEOUT).submission
        feedback = "" if decision == ares.REVIEW_DECISION_APPROVED else "Weight the award criteria, please."
        submission = world.assessment.ReviewSubmission(asvc.ReviewSubmissionRequest(
            tenant_id=world.tenant, request_id=str(uuid.uuid4()), submission_id=submission.submission_id,
            decision=decision, feedback=feedback), metadata=world.mentor, timeout=TIMEOUT).submission
        world.expect("exercise.reviewed")
        world.done["exercise submissions"] += 1
        world.done["reviews"] += 1
    assert submission is not None
    return ares.SubmissionStatus.Name(submission.status).removeprefix("SUBMISSION_STATUS_").lower()


def ada(world: World, courses: dict[str, Course], path: common_pb2.LearningPathVersionRef) -> None:
    learner = world.learner("Ada")
    ethics, tendering = courses["supplier-ethics"], courses["tendering"]
    lessons(world, learner, ethics, path)
    lessons(world, learner, tendering, path)
    outcomes = [training(world, learner, ethics, [True]), quiz(world, learner, tendering, True),
                exercise(world, learner, tendering, [ares.REVIEW_DECISION_APPROVED])]
    learner.outcome = f"training {outcomes[0]}, quiz {outcomes[1]}, exercise {outcomes[2]}, path passed"
    learner.certificates = 3  # both courses and the path
    world.expect("certificate.issued", 3)


def ben(world: World, courses: dict[str, Course], path: common_pb2.LearningPathVersionRef) -> None:
    learner = world.learner("Ben")
    ethics, tendering = courses["supplier-ethics"], courses["tendering"]
    lessons(world, learner, ethics)
    lessons(world, learner, tendering)
    session = training(world, learner, ethics, [False, True])
    quizzes = [quiz(world, learner, tendering, False), quiz(world, learner, tendering, True)]
    revised = exercise(world, learner, tendering, [ares.REVIEW_DECISION_CHANGES_REQUESTED,
                                                   ares.REVIEW_DECISION_APPROVED])
    learner.outcome = f"training failed then {session}, quiz {' then '.join(quizzes)}, exercise revised and {revised}"
    learner.certificates = 2  # both courses; not enrolled in the path
    world.expect("certificate.issued", 2)


def cy(world: World, courses: dict[str, Course], path: common_pb2.LearningPathVersionRef) -> None:
    learner = world.learner("Cy")
    lessons(world, learner, courses["supplier-ethics"])
    learner.outcome = f"training {training(world, learner, courses['supplier-ethics'], [False, False])}"


def dee(world: World, courses: dict[str, Course], path: common_pb2.LearningPathVersionRef) -> None:
    learner = world.learner("Dee")
    learner.outcome = f"training {training(world, learner, courses['supplier-ethics'], [], abandon=True)}"


CAST = (("Ada passes everything on the learning path", ada), ("Ben fails, then passes", ben),
        ("Cy exhausts her attempts", cy), ("Dee abandons", dee))
