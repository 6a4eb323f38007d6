"""Practical exercise submissions and reviews against the real catalog, assessment server and PostgreSQL.

The `course` fixture's exercise needs two approvals by holders of the role "mentor" and an attached file.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from datetime import timedelta

import grpc
import psycopg
import pytest

from learning.assessment.v1 import assessment_resources_pb2 as res
from learning.assessment.v1 import assessment_service_pb2 as svc
from learning.audit.v1 import audit_service_pb2
from learning.catalog.v1 import catalog_resources_pb2 as cat
from learning.common.v1 import common_pb2
from learning.progress.v1 import progress_resources_pb2 as progress_res
from learning.progress.v1 import progress_service_pb2 as progress_svc
from services.assessment.domain import exercise_submissions as rules
from shared.errors import FailedPrecondition
from shared.timeutil import to_timestamp, utcnow
from tests.support.rpc import field_violations, status_details

APPROVE, CHANGES, REJECT = (res.REVIEW_DECISION_APPROVED, res.REVIEW_DECISION_CHANGES_REQUESTED,
                            res.REVIEW_DECISION_REJECTED)


def attachment(name: str = "rfp.pdf", **kw) -> res.EvidenceAttachment:
    values = dict(uri=f"https://files.example.com/work/{name}", media_type="application/pdf",
                  sha256=hashlib.sha256(name.encode()).hexdigest(), title="RFP draft")
    values.update(kw)
    return res.EvidenceAttachment(**values)


def submit(a, course, *, md=None, user_id=None, text="My RFP for office supplies.", attachments=None,
           **kw) -> res.ExerciseSubmission:
    request = svc.SubmitExerciseRequest(
        tenant_id=a.tenant, user_id=user_id or a.learner, course=course.ref,
        exercise_id=kw.pop("exercise_id", course.exercise_id), text=text,
        attachments=[attachment()] if attachments is None else attachments, **kw)
    return a.stub.SubmitExercise(request, metadata=md or a.learner_md, timeout=30).submission


def review(a, submission_id: str, md, decision=APPROVE, *, feedback="", scores=(), **kw) -> res.ExerciseSubmission:
    request = svc.ReviewSubmissionRequest(
        tenant_id=a.tenant, submission_id=submission_id, decision=decision, feedback=feedback,
        criterion_scores=[res.CriterionScore(criterion=c, score=s) for c, s in scores], **kw)
    return a.stub.ReviewSubmission(request, metadata=md, timeout=30).submission


def get(a, submission_id: str, md=None) -> res.ExerciseSubmission:
    request = svc.GetExerciseSubmissionRequest(tenant_id=a.tenant, submission_id=submission_id)
    return a.stub.GetExerciseSubmission(request, metadata=md or a.admin_md, timeout=30).submission


def listing(a, md=None, **kw) -> svc.ListExerciseSubmissionsResponse:
    request = svc.ListExerciseSubmissionsRequest(tenant_id=a.tenant, **kw)
    return a.stub.ListExerciseSubmissions(request, metadata=md or a.auditor_md, timeout=30)


def failure(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def precondition(error: grpc.RpcError) -> str:
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, error.details()
    return next(d.violations[0].type for d in status_details(error) if hasattr(d, "violations") and d.violations)


def outbox(sql, tenant: str, destination: str, message_type):
    rows = sql.execute("SELECT event_id, message FROM outbox WHERE tenant_id = %s AND destination = %s "
                       "ORDER BY position", (tenant, destination)).fetchall()
    return [(event_id, message_type.FromString(message)) for event_id, message in rows]


def audit_events(sql, tenant: str) -> list[audit_service_pb2.AuditEvent]:
    return [event for _, event in outbox(sql, tenant, "audit", audit_service_pb2.AuditEvent)
            if event.action == "exercise.reviewed"]


def progress_events(sql, tenant: str) -> list[tuple[str, progress_svc.RecordProgressEventsRequest]]:
    return outbox(sql, tenant, "progress.events", progress_svc.RecordProgressEventsRequest)


def test_two_mentor_approvals_approve_it_with_one_audit_event_per_review_and_one_progress_event(
        assessment, course, assessment_owner_sql):
    a = assessment
    first = submit(a, course, request_id=str(uuid.uuid4()))
    assert (first.status, first.revision, first.reviewer_role, first.required_approvals) == (
        res.SUBMISSION_STATUS_IN_REVIEW, 1, "mentor", 2)
    assert first.user_id == a.learner and first.course == course.ref and first.exercise_id == course.exercise_id
    assert list(first.attachments) == [attachment()] and not first.HasField("decide_time")
    mentor1, mentor1_md = a.mentor_md()
    mentor2, mentor2_md = a.mentor_md()

    request_id = str(uuid.uuid4())
    once = review(a, first.submission_id, mentor1_md, scores=[("Scope", 0.8), ("Timeline", 0.6)],
                  feedback="Clear.", request_id=request_id)
    again = review(a, first.submission_id, mentor1_md, scores=[("Scope", 0.8), ("Timeline", 0.6)],
                   feedback="Clear.", request_id=request_id)
    assert again == once  # a retry returns the first answer and records nothing more
    assert once.status == res.SUBMISSION_STATUS_IN_REVIEW and len(once.reviews) == 1
    assert (once.reviews[0].reviewer_id, once.reviews[0].score, once.reviews[0].decision) == (mentor1, 0.7, APPROVE)

    approved = review(a, first.submission_id, mentor2_md)
    assert approved.status == res.SUBMISSION_STATUS_APPROVED and approved.HasField("decide_time")
    assert [r.reviewer_id for r in approved.reviews] == [mentor1, mentor2]
    assert approved.reviews[1].score == 0.0  # no criterion scores: 0
    assert get(a, first.submission_id, a.learner_md) == approved

    audits = audit_events(assessment_owner_sql, a.tenant)
    assert [e.event_id for e in audits] == [r.review_id for r in approved.reviews]
    assert [e.actor_id for e in audits] == [mentor1, mentor2]
    assert {(e.subject_type, e.subject_id) for e in audits} == {("exercise_submission", first.submission_id)}
    payload = dict(audits[1].payload)
    assert payload["status"] == "approved" and payload["decision"] == "approved"
    assert (payload["user_id"], payload["course_id"], payload["version"], payload["exercise_id"],
            payload["revision"]) == (a.learner, course.course_id, course.version, course.exercise_id, 1)
    assert dict(audits[0].payload)["score"] == 0.7 and dict(audits[0].payload)["status"] == "in_review"

    [(event_id, request)] = progress_events(assessment_owner_sql, a.tenant)
    [event] = request.events
    assert request.tenant_id == a.tenant and event.event_id == event_id
    assert (event.user_id, event.course, event.item_kind, event.item_id, event.kind, event.occur_time) == (
        a.learner, course.ref, progress_res.ITEM_KIND_PRACTICAL_EXERCISE, course.exercise_id,
        progress_res.EVENT_KIND_EXERCISE_APPROVED, approved.decide_time)
    uuid.UUID(event_id)


def test_changes_requested_allow_a_resubmission_that_is_then_approved(assessment, course):
    a = assessment
    first = submit(a, course)
    mentor1_md, mentor2_md, mentor3_md = (a.mentor_md()[1] for _ in range(3))
    assert precondition(failure(lambda: submit(a, course))) == "SUBMISSION_IN_REVIEW"
    sent_back = review(a, first.submission_id, mentor1_md, CHANGES, feedback="Add an evaluation matrix.")
    assert sent_back.status == res.SUBMISSION_STATUS_CHANGES_REQUESTED and sent_back.HasField("decide_time")
    # Decided at once: nobody else reviews that revision.
    assert precondition(failure(lambda: review(a, first.submission_id, mentor2_md))) == "SUBMISSION_NOT_IN_REVIEW"

    second = submit(a, course, text="My RFP, now with an evaluation matrix.")
    assert (second.revision, second.status, len(second.reviews)) == (2, res.SUBMISSION_STATUS_IN_REVIEW, 0)
    assert precondition(failure(lambda: submit(a, course))) == "SUBMISSION_IN_REVIEW"
    review(a, second.submission_id, mentor1_md)  # the mentor who asked for changes reviews the new revision
    done = review(a, second.submission_id, mentor3_md)
    assert done.status == res.SUBMISSION_STATUS_APPROVED
    assert precondition(failure(lambda: submit(a, course))) == "SUBMISSION_APPROVED"
    assert get(a, first.submission_id) == sent_back  # the earlier revision stays as it was


def test_a_rejection_is_final(assessment, course, assessment_owner_sql):
    a = assessment
    first = submit(a, course)
    mentor_md = a.mentor_md()[1]
    review(a, first.submission_id, mentor_md, APPROVE)
    rejected = review(a, first.submission_id, a.mentor_md()[1], REJECT, feedback="Copied from the template.")
    assert rejected.status == res.SUBMISSION_STATUS_REJECTED and rejected.HasField("decide_time")
    assert precondition(failure(lambda: submit(a, course))) == "SUBMISSION_REJECTED"
    assert precondition(failure(lambda: review(a, first.submission_id, a.mentor_md()[1]))) == \
        "SUBMISSION_NOT_IN_REVIEW"
    assert progress_events(assessment_owner_sql, a.tenant) == []
    assert [dict(e.payload)["status"] for e in audit_events(assessment_owner_sql, a.tenant)] == [
        "in_review", "rejected"]


def test_only_holders_of_the_reviewer_role_review_once_and_never_their_own_work(assessment, course, tokens):
    a = assessment
    first = submit(a, course)
    for md in (a.tokens.metadata(a.tenant, ["reviewer"], subject=str(uuid.uuid4())), a.admin_md, a.author_md):
        assert failure(lambda: review(a, first.submission_id, md)).code() == grpc.StatusCode.PERMISSION_DENIED
    # Another learner (without the role) does not learn that the submission exists.
    assert failure(lambda: review(a, first.submission_id, a.other_learner_md()[1])).code() == \
        grpc.StatusCode.NOT_FOUND
    # The submitter holding the reviewer role still cannot review its own work.
    own_md = tokens.metadata(a.tenant, ["learner", "mentor"], subject=a.learner)
    assert failure(lambda: review(a, first.submission_id, own_md)).code() == grpc.StatusCode.PERMISSION_DENIED
    # A mentor of another tenant is refused before anything is read.
    stranger = tokens.metadata("t-other", ["reviewer", "mentor"], subject=str(uuid.uuid4()))
    assert failure(lambda: review(a, first.submission_id, stranger)).code() == grpc.StatusCode.PERMISSION_DENIED

    mentor_md = a.mentor_md()[1]
    review(a, first.submission_id, mentor_md)
    assert precondition(failure(lambda: review(a, first.submission_id, mentor_md))) == "ALREADY_REVIEWED"
    assert failure(lambda: review(a, str(uuid.uuid4()), mentor_md)).code() == grpc.StatusCode.NOT_FOUND
    # A request_id reused for another review is ALREADY_EXISTS.
    request_id = str(uuid.uuid4())
    second = submit(a, course, user_id=str(uuid.uuid4()), md=a.service_md)
    review(a, second.submission_id, mentor_md, request_id=request_id)
    error = failure(lambda: review(a, second.submission_id, mentor_md, CHANGES, feedback="No.",
                                   request_id=request_id))
    assert error.code() == grpc.StatusCode.ALREADY_EXISTS
    assert [r.decision for r in get(a, second.submission_id).reviews] == [APPROVE]


def test_submissions_honour_the_exercise_and_the_published_version(assessment, course, catalog, tokens):
    a = assessment
    assert precondition(failure(lambda: submit(a, course, attachments=[]))) == "EVIDENCE_UPLOAD_REQUIRED"
    assert precondition(failure(lambda: submit(a, course, exercise_id=str(uuid.uuid4())))) == \
        "EXERCISE_NOT_IN_VERSION"
    unpublished = common_pb2.CourseVersionRef(course_id=course.course_id, version=course.version + 5)
    error = failure(lambda: a.stub.SubmitExercise(svc.SubmitExerciseRequest(
        tenant_id=a.tenant, user_id=a.learner, course=unpublished, exercise_id=course.exercise_id, text="x",
        attachments=[attachment()]), metadata=a.learner_md, timeout=30))
    assert precondition(error) == "COURSE_VERSION_NOT_PUBLISHED"
    # A learner submits for itself only; reviewers and auditors do not submit.
    assert failure(lambda: submit(a, course, user_id=str(uuid.uuid4()))).code() == grpc.StatusCode.PERMISSION_DENIED
    assert failure(lambda: submit(a, course, md=a.auditor_md)).code() == grpc.StatusCode.PERMISSION_DENIED
    # A retry with the request_id returns the first submission; reusing it for other work is ALREADY_EXISTS.
    request_id = str(uuid.uuid4())
    first = submit(a, course, request_id=request_id)
    assert submit(a, course, request_id=request_id) == first
    assert failure(lambda: submit(a, course, request_id=request_id, text="Other work.")).code() == \
        grpc.StatusCode.ALREADY_EXISTS

    # One approval by a "buddy", no upload: the requirements are the exercise's, kept with the submission.
    other = catalog.course("Negotiation basics")
    module = catalog.module(other.course_id)
    exercise = catalog.exercise(module.module_id, review_requirements=cat.ReviewRequirements(
        reviewer_role="buddy", min_reviewers=1, requires_evidence_upload=False))
    version = catalog.publish(other.course_id).published_version
    request = svc.SubmitExerciseRequest(tenant_id=a.tenant, user_id=a.learner, exercise_id=exercise.exercise_id,
                                        course=common_pb2.CourseVersionRef(course_id=other.course_id,
                                                                           version=version), text="Notes.")
    submitted = a.stub.SubmitExercise(request, metadata=a.learner_md, timeout=30).submission
    assert (submitted.reviewer_role, submitted.required_approvals, list(submitted.attachments)) == ("buddy", 1, [])
    assert failure(lambda: review(a, submitted.submission_id, a.mentor_md()[1])).code() == \
        grpc.StatusCode.PERMISSION_DENIED
    buddy_md = tokens.metadata(a.tenant, ["learner", "buddy"], subject=str(uuid.uuid4()))
    assert review(a, submitted.submission_id, buddy_md).status == res.SUBMISSION_STATUS_APPROVED


def test_a_learner_sees_only_its_own_submissions(assessment, course):
    a = assessment
    mine = submit(a, course)
    other, other_md = a.other_learner_md()
    theirs = submit(a, course, md=other_md, user_id=other)
    assert get(a, mine.submission_id, a.learner_md) == mine
    assert failure(lambda: get(a, theirs.submission_id, a.learner_md)).code() == grpc.StatusCode.NOT_FOUND
    assert failure(lambda: get(a, str(uuid.uuid4()))).code() == grpc.StatusCode.NOT_FOUND
    for kw in ({}, {"user_id": other}):
        assert failure(lambda: listing(a, a.learner_md, **kw)).code() == grpc.StatusCode.PERMISSION_DENIED
    assert [s.submission_id for s in listing(a, a.learner_md, user_id=a.learner).submissions] == [mine.submission_id]
    for md in (a.tokens.metadata(a.tenant, ["reviewer"], subject=str(uuid.uuid4())), a.auditor_md, a.service_md):
        assert get(a, theirs.submission_id, md) == theirs
    assert failure(lambda: get(a, theirs.submission_id, a.author_md)).code() == grpc.StatusCode.PERMISSION_DENIED


def test_bad_input_is_invalid_argument_naming_every_field(assessment, course):
    a = assessment
    bad = svc.SubmitExerciseRequest(
        tenant_id=a.tenant, request_id="nope", user_id="me", course=common_pb2.CourseVersionRef(course_id="x"),
        exercise_id="", text=" \n ", attachments=[
            attachment(uri="http://files.example.com/a.pdf", media_type="pdf", sha256="ABC", title="t" * 201),
            attachment(uri="https://" + "a" * 2048, media_type="application/pdf; charset=x",
                       sha256=hashlib.sha256(b"x").hexdigest().upper()),
            attachment(uri="s3:// bucket/key", media_type="")])
    error = failure(lambda: a.stub.SubmitExercise(bad, metadata=a.admin_md, timeout=30))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(field_violations(error)) == {
        "request_id", "user_id", "course.course_id", "course.version", "exercise_id", "text",
        "attachments[0].uri", "attachments[0].media_type", "attachments[0].sha256", "attachments[0].title",
        "attachments[1].uri", "attachments[1].media_type", "attachments[1].sha256",
        "attachments[2].uri", "attachments[2].media_type"}
    too_many = failure(lambda: submit(a, course, text="t" * 20_001,
                                      attachments=[attachment(str(i)) for i in range(21)]))
    assert set(field_violations(too_many)) == {"text", "attachments"}
    assert submit(a, course, text="t" * 20_000, attachments=[attachment(str(i)) for i in range(20)]).revision == 1

    mentor_md = a.mentor_md()[1]
    bad_review = svc.ReviewSubmissionRequest(tenant_id=a.tenant, submission_id="x", criterion_scores=[
        res.CriterionScore(criterion="Scope", score=1.5), res.CriterionScore(criterion=" Scope ", score=0.5),
        res.CriterionScore(criterion="", score=float("nan")), res.CriterionScore(criterion="c" * 201, score=-0.1)])
    error = failure(lambda: a.stub.ReviewSubmission(bad_review, metadata=mentor_md, timeout=30))
    assert set(field_violations(error)) == {
        "submission_id", "decision", "criterion_scores[0].score", "criterion_scores[1].criterion",
        "criterion_scores[2].criterion", "criterion_scores[2].score", "criterion_scores[3].criterion",
        "criterion_scores[3].score"}
    for decision in (CHANGES, REJECT):
        error = failure(lambda: review(a, str(uuid.uuid4()), mentor_md, decision, feedback="  "))
        assert set(field_violations(error)) == {"feedback"}
    error = failure(lambda: review(a, str(uuid.uuid4()), mentor_md, 7, feedback="f" * 10_001,
                                   scores=[(f"c{i}", 0.5) for i in range(51)]))
    assert set(field_violations(error)) == {"decision", "feedback", "criterion_scores"}

    error = failure(lambda: listing(a, user_id="u", exercise_id="e", status=9, page_size=-1, page_token="zz",
                                    course=common_pb2.CourseVersionRef(version=2),
                                    submit_time=common_pb2.TimeRange(start_time=to_timestamp(utcnow()),
                                                                      end_time=to_timestamp(utcnow()
                                                                                            - timedelta(days=1)))))
    assert set(field_violations(error)) >= {"user_id", "exercise_id", "status", "page_size", "course.course_id",
                                            "submit_time"}
    assert set(field_violations(failure(lambda: listing(a, page_token="zz")))) == {"page_token"}
    assert set(field_violations(failure(lambda: get(a, "x")))) == {"submission_id"}


def test_list_filters_and_keyset_pages(assessment, course, catalog):
    a = assessment
    learners = [str(uuid.uuid4()) for _ in range(3)]
    made = [submit(a, course, md=a.service_md, user_id=user) for user in learners]
    mentor_md = a.mentor_md()[1]
    review(a, made[0].submission_id, mentor_md, CHANGES, feedback="More detail.")
    made.append(submit(a, course, md=a.admin_md, user_id=learners[0]))  # revision 2
    review(a, made[1].submission_id, mentor_md, REJECT, feedback="Off topic.")
    newest_first = [s.submission_id for s in reversed(made)]

    pages, token = [], ""
    while True:
        page = listing(a, page_size=2, page_token=token)
        pages.append([s.submission_id for s in page.submissions])
        token = page.next_page_token
        if not token:
            break
    assert pages == [newest_first[:2], newest_first[2:]]
    whole = listing(a).submissions
    assert [s.submission_id for s in whole] == newest_first
    assert [len(s.reviews) for s in whole] == [0, 0, 1, 1]  # reviews come with each submission
    assert whole[2].reviews[0].decision == REJECT and whole[3].reviews[0].feedback == "More detail."

    def ids(**kw):
        return [s.submission_id for s in listing(a, **kw).submissions]

    assert ids(user_id=learners[0]) == [made[3].submission_id, made[0].submission_id]
    assert ids(status=res.SUBMISSION_STATUS_IN_REVIEW) == [made[3].submission_id, made[2].submission_id]
    assert ids(status=res.SUBMISSION_STATUS_REJECTED) == [made[1].submission_id]
    assert ids(course=common_pb2.CourseVersionRef(course_id=course.course_id)) == newest_first
    assert ids(course=course.ref, exercise_id=course.exercise_id) == newest_first
    assert ids(course=common_pb2.CourseVersionRef(course_id=course.course_id, version=course.version + 1)) == []
    assert ids(exercise_id=str(uuid.uuid4())) == []
    middle = made[1].submit_time
    assert ids(submit_time=common_pb2.TimeRange(start_time=middle)) == newest_first[:3]
    assert ids(submit_time=common_pb2.TimeRange(end_time=middle)) == [made[0].submission_id]
    # A token is bound to the filters it was issued for.
    token = listing(a, page_size=1).next_page_token
    error = failure(lambda: listing(a, page_size=1, page_token=token, status=res.SUBMISSION_STATUS_APPROVED))
    assert set(field_violations(error)) == {"page_token"}


def test_concurrent_approvals_are_all_kept_and_approve_once(assessment, course, assessment_owner_sql):
    a = assessment
    for _ in range(3):
        first = submit(a, course, md=a.service_md, user_id=str(uuid.uuid4()))
        mentors = [a.mentor_md() for _ in range(2)]
        results, start = [], threading.Barrier(len(mentors))

        def approve(md):
            start.wait()
            results.append(review(a, first.submission_id, md))

        threads = [threading.Thread(target=approve, args=(md,)) for _, md in mentors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(s.status for s in results) == [res.SUBMISSION_STATUS_IN_REVIEW, res.SUBMISSION_STATUS_APPROVED]
        stored = get(a, first.submission_id)
        assert stored.status == res.SUBMISSION_STATUS_APPROVED
        assert {r.reviewer_id for r in stored.reviews} == {mentor for mentor, _ in mentors}
    assert len(progress_events(assessment_owner_sql, a.tenant)) == 3
    assert len(audit_events(assessment_owner_sql, a.tenant)) == 6


def test_concurrent_submissions_make_one_revision(assessment, course):
    a = assessment
    outcomes, start = [], threading.Barrier(4)

    def attempt():
        start.wait()
        try:
            outcomes.append(submit(a, course).revision)
        except grpc.RpcError as error:
            outcomes.append(precondition(error))

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [1, "SUBMISSION_IN_REVIEW", "SUBMISSION_IN_REVIEW", "SUBMISSION_IN_REVIEW"]
    assert len(listing(a, user_id=a.learner).submissions) == 1


def test_reviews_are_append_only(assessment, course, assessment_runtime_sql, assessment_owner_sql):
    a = assessment
    first = submit(a, course)
    review(a, first.submission_id, a.mentor_md()[1], feedback="Fine.")
    for sql in (assessment_runtime_sql, assessment_owner_sql):
        for statement in ("UPDATE learning_exercise_reviews SET feedback = 'changed' WHERE submission_id = %s",
                          "DELETE FROM learning_exercise_reviews WHERE submission_id = %s"):
            with pytest.raises(psycopg.Error):
                sql.execute(statement, (first.submission_id,))
    assert get(a, first.submission_id).reviews[0].feedback == "Fine."


def test_the_rules_without_a_database():
    now = utcnow()

    def by(reviewer, decision):
        return rules.new_review(reviewer, (), "", decision, now)

    assert rules.resulting_status([by("m1", rules.APPROVED)], 2) == rules.IN_REVIEW
    assert rules.resulting_status([by("m1", rules.APPROVED), by("m2", rules.APPROVED)], 2) == rules.APPROVED
    assert rules.resulting_status([by("m1", rules.APPROVED), by("m2", rules.REJECTED)], 1) == rules.REJECTED
    assert rules.resulting_status([by("m1", rules.CHANGES_REQUESTED)], 1) == rules.CHANGES_REQUESTED
    scores = tuple(rules.CriterionScore(c, s) for c, s in (("a", 1.0), ("b", 0.5), ("c", 0.0)))
    assert rules.review_score(scores) == 0.5 and rules.review_score(()) == 0.0
    assert rules.approval_event_id("t", "s") == rules.approval_event_id("t", "s") != rules.approval_event_id("t", "x")

    class Latest:
        submission_id, revision = str(uuid.uuid4()), 3

    assert rules.next_revision(None) == 1
    for status, outcome in ((rules.CHANGES_REQUESTED, 4), (rules.IN_REVIEW, "SUBMISSION_IN_REVIEW"),
                            (rules.APPROVED, "SUBMISSION_APPROVED"), (rules.REJECTED, "SUBMISSION_REJECTED")):
        Latest.status = status
        try:
            assert rules.next_revision(Latest) == outcome
        except FailedPrecondition as refused:
            assert refused.violation_type == outcome
