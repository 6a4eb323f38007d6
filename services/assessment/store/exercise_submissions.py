"""Queries of exercise submissions and their (append-only) reviews.

Reads return each submission with its reviews, oldest first, from ONE statement (a correlated jsonb_agg per
submission), so a submission's status and its reviews always come from the same snapshot and a page costs
one round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import bindparam, func, literal_column, select, tuple_, update
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by, insert

from services.assessment.domain.exercise_submissions import IN_REVIEW, Attachment, CriterionScore, Review, is_terminal
from services.assessment.tables import exercise_reviews, exercise_submissions
from shared.db import Query, Row, Session

S, R = exercise_submissions.c, exercise_reviews.c
Stored = tuple[Row, tuple[Review, ...]]  # a submission row and its reviews, oldest first

_KEY = (S.tenant_id == bindparam("tenant_id"), S.submission_id == bindparam("submission_id"))

# The latest revision of one learner's work on one exercise of one version (the revision key's index).
LATEST = Query(select(S.submission_id, S.revision, S.status).where(
    S.tenant_id == bindparam("tenant_id"), S.user_id == bindparam("user_id"), S.course_id == bindparam("course_id"),
    S.course_version == bindparam("course_version"), S.exercise_id == bindparam("exercise_id"))
    .order_by(S.revision.desc()).limit(1))
# A concurrent submission of the same revision makes this insert nothing (instead of failing the
# transaction); the caller then reads the revision that won and answers from it.
INSERT_SUBMISSION = Query(
    insert(exercise_submissions).values({c.name: bindparam(c.name) for c in exercise_submissions.c})
    .on_conflict_do_nothing(constraint="learning_exercise_submissions_revision_key")
    .returning(*exercise_submissions.c))
LOCK_SUBMISSION = Query(select(exercise_submissions).where(*_KEY).with_for_update())
REVIEWS = Query(select(exercise_reviews).where(
    R.tenant_id == bindparam("tenant_id"), R.submission_id == bindparam("submission_id"))
    .order_by(R.reviewed_at, R.review_id))
INSERT_REVIEW = Query(insert(exercise_reviews).values({c.name: bindparam(c.name) for c in exercise_reviews.c}))
SET_STATUS = Query(update(exercise_submissions).where(*_KEY).values(
    status=bindparam("status"), decided_at=bindparam("decided_at"), updated_at=bindparam("now"))
    .returning(*exercise_submissions.c))


async def latest_revision(session: Session, tenant_id: str, user_id: str, course_id: str, version: int,
                          exercise_id: str) -> Row | None:
    """(submission_id, revision, status) of the latest revision, or None before the first submission."""
    return (await session.execute(LATEST, tenant_id=tenant_id, user_id=user_id, course_id=course_id,
                                  course_version=version, exercise_id=exercise_id)).first()


async def insert_submission(session: Session, tenant_id: str, *, submission_id: str, user_id: str, course_id: str,
                            version: int, exercise_id: str, revision: int, text: str,
                            attachments: Sequence[Attachment], reviewer_role: str, required_approvals: int,
                            now: datetime) -> Row | None:
    """The new IN_REVIEW submission, or None when this revision exists already (a concurrent submission)."""
    return (await session.execute(
        INSERT_SUBMISSION, tenant_id=tenant_id, submission_id=submission_id, user_id=user_id, course_id=course_id,
        course_version=version, exercise_id=exercise_id, revision=revision, text=text,
        attachments=[asdict(a) for a in attachments], status=IN_REVIEW, reviewer_role=reviewer_role,
        required_approvals=required_approvals, submitted_at=now, decided_at=None, updated_at=now)).first()


async def lock_submission(session: Session, tenant_id: str, submission_id: str) -> Row | None:
    """The submission, locked until the end of the transaction: reviews of it are taken one at a time."""
    return (await session.execute(LOCK_SUBMISSION, tenant_id=tenant_id, submission_id=submission_id)).first()


async def reviews(session: Session, tenant_id: str, submission_id: str) -> tuple[Review, ...]:
    rows = (await session.execute(REVIEWS, tenant_id=tenant_id, submission_id=submission_id)).all()
    return tuple(_review(row._asdict()) for row in rows)


async def insert_review(session: Session, tenant_id: str, submission_id: str, review: Review) -> None:
    await session.execute(INSERT_REVIEW, tenant_id=tenant_id, submission_id=submission_id,
                          review_id=review.review_id, reviewer_id=review.reviewer_id,
                          criterion_scores=[asdict(s) for s in review.criterion_scores], score=review.score,
                          feedback=review.feedback, decision=review.decision, reviewed_at=review.reviewed_at)


async def set_status(session: Session, tenant_id: str, submission_id: str, status: str, now: datetime) -> Row:
    """The submission after a review: its status, decided_at at a terminal status, updated_at."""
    return (await session.execute(SET_STATUS, tenant_id=tenant_id, submission_id=submission_id, status=status,
                                  decided_at=now if is_terminal(status) else None, now=now)).one()


_REVIEW_FIELDS = (R.review_id, R.reviewer_id, R.criterion_scores, R.score, R.feedback, R.decision, R.reviewed_at)


def _with_reviews(page):
    """SELECT of `page`'s submission columns plus their reviews as one jsonb array (oldest first)."""
    # Keys as SQL literals: jsonb_build_object's arguments are "any", so a bound key would have no type.
    review = func.jsonb_build_object(*(part for column in _REVIEW_FIELDS
                                       for part in (literal_column(f"'{column.name}'"), column)))
    reviews_json = (select(func.coalesce(func.jsonb_agg(aggregate_order_by(review, R.reviewed_at, R.review_id)),
                                         literal_column("'[]'::jsonb", JSONB)))
                    .where(R.tenant_id == page.c.tenant_id, R.submission_id == page.c.submission_id)
                    .scalar_subquery().label("reviews"))
    return select(*page.c, reviews_json)


GET_SUBMISSION = Query(_with_reviews(exercise_submissions).where(*_KEY))


async def get_submission(session: Session, tenant_id: str, submission_id: str) -> Stored | None:
    row = (await session.execute(GET_SUBMISSION, tenant_id=tenant_id, submission_id=submission_id)).first()
    return None if row is None else _stored(row)


async def list_submissions(session: Session, tenant_id: str, filters, after: tuple | None,
                           limit: int) -> list[Stored]:
    """Newest first (submitted_at, submission_id descending), after the keyset `after`, at most `limit`."""
    query = select(exercise_submissions).where(S.tenant_id == tenant_id)
    if filters.user_id:
        query = query.where(S.user_id == filters.user_id)
    if filters.course is not None:
        query = query.where(S.course_id == filters.course.course_id)
        if filters.course.version:
            query = query.where(S.course_version == filters.course.version)
    if filters.exercise_id:
        query = query.where(S.exercise_id == filters.exercise_id)
    if filters.status:
        query = query.where(S.status == filters.status)
    if filters.submitted_from is not None:
        query = query.where(S.submitted_at >= filters.submitted_from)
    if filters.submitted_before is not None:
        query = query.where(S.submitted_at < filters.submitted_before)
    if after is not None:
        query = query.where(tuple_(S.submitted_at, S.submission_id) < tuple_(
            bindparam("a0", after[0], type_=S.submitted_at.type),
            bindparam("a1", after[1], type_=S.submission_id.type)))
    # The page is cut first, then its reviews are gathered: never the reviews of rows the limit drops.
    page = query.order_by(S.submitted_at.desc(), S.submission_id.desc()).limit(limit).subquery("page")
    ordered = _with_reviews(page).order_by(page.c.submitted_at.desc(), page.c.submission_id.desc())
    return [_stored(row) for row in (await session.execute(ordered)).all()]


def _stored(row: Row) -> Stored:
    return row, tuple(_review(item) for item in row.reviews)


def _review(item: dict) -> Review:
    """A review from its row or from its jsonb object (where the time is ISO 8601 text)."""
    reviewed_at = item["reviewed_at"]
    if isinstance(reviewed_at, str):
        reviewed_at = datetime.fromisoformat(reviewed_at)
    return Review(review_id=str(item["review_id"]), reviewer_id=item["reviewer_id"],
                  criterion_scores=tuple(CriterionScore(s["criterion"], float(s["score"]))
                                         for s in item["criterion_scores"]),
                  score=float(item["score"]), feedback=item["feedback"], decision=item["decision"],
                  reviewed_at=reviewed_at)
