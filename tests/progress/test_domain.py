"""The rules of progress, pure: any order and any duplicates of a set of events give the same progress,
and more events never take progress back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.progress import domain
from services.progress.domain import CompletionRule, CourseKey, EventKind, ItemKey, ItemKind, State

COURSE = CourseKey(str(uuid.uuid4()), str(uuid.uuid4()), 1)
M1, M2 = str(uuid.uuid4()), str(uuid.uuid4())
VIDEO, SCENARIO, GATED = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
QUIZ, EXERCISE, SESSION = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
STRUCTURE = domain.Structure(
    lessons=(domain.Lesson(VIDEO, M1, CompletionRule.VIEW), domain.Lesson(SCENARIO, M1, CompletionRule.COMPLETE_ALL_STEPS),
             domain.Lesson(GATED, M2, CompletionRule.PASS_QUIZ)),
    quizzes=(domain.Quiz(QUIZ, M2),), exercises=(EXERCISE,))
T0 = datetime(2026, 11, 1, tzinfo=UTC)

POSSIBLE = [
    (ItemKey(ItemKind.LESSON, VIDEO), k) for k in (EventKind.STARTED, EventKind.VIEWED, EventKind.COMPLETED)] + [
    (ItemKey(ItemKind.LESSON, SCENARIO), k) for k in (EventKind.STARTED, EventKind.VIEWED, EventKind.COMPLETED)] + [
    (ItemKey(ItemKind.SCENARIO_STEP, SCENARIO, "s1"), EventKind.COMPLETED),
    (ItemKey(ItemKind.LESSON, GATED), EventKind.VIEWED),
    (ItemKey(ItemKind.QUIZ, QUIZ), EventKind.QUIZ_FAILED), (ItemKey(ItemKind.QUIZ, QUIZ), EventKind.QUIZ_PASSED),
    (ItemKey(ItemKind.PRACTICAL_EXERCISE, EXERCISE), EventKind.STARTED),
    (ItemKey(ItemKind.PRACTICAL_EXERCISE, EXERCISE), EventKind.EXERCISE_APPROVED),
    (ItemKey(ItemKind.TRAINING_SESSION, SESSION), EventKind.SESSION_FAILED),
]

events = st.lists(
    st.tuples(st.sampled_from(POSSIBLE), st.integers(0, 10_000), st.floats(0, 1, allow_nan=False)),
    min_size=1, max_size=25,
).map(lambda drawn: [
    domain.Event(str(uuid.uuid4()), COURSE, item, kind, score if kind in domain.SCORED else 0.0,
                 T0 + timedelta(seconds=offset))
    for (item, kind), offset, score in drawn])


def progress(evts):
    folded = domain.fold(evts)
    items = {item: fold for (_, item), fold in folded.items()}
    return folded, domain.summarize(STRUCTURE, items)


@settings(max_examples=300, deadline=None)
@given(events, st.randoms(use_true_random=False), st.data())
def test_any_order_and_any_duplicates_give_the_same_progress(evts, random, data):
    duplicated = evts + data.draw(st.lists(st.sampled_from(evts), max_size=10))
    random.shuffle(duplicated)
    assert progress(duplicated) == progress(evts)


@settings(max_examples=300, deadline=None)
@given(events, events)
def test_more_events_never_take_progress_back(first, later):
    _, before = progress(first)
    _, after = progress(first + later)
    assert after.state >= before.state
    assert after.percent_complete >= before.percent_complete
    if before.passed_at is not None:  # a pass stays, and keeps its time unless an earlier pass arrives
        assert after.passed_at is not None and after.passed_at <= before.passed_at


def _event(item, kind, seconds=0, score=0.0):
    return domain.Event(str(uuid.uuid4()), COURSE, item, kind, score, T0 + timedelta(seconds=seconds))


def test_a_course_passes_when_every_rule_is_met_and_a_late_failure_changes_nothing():
    done = [
        _event(ItemKey(ItemKind.LESSON, VIDEO), EventKind.VIEWED, 1),          # VIEW rule: viewing is enough
        _event(ItemKey(ItemKind.LESSON, SCENARIO), EventKind.COMPLETED, 2),    # terminal step reached
        _event(ItemKey(ItemKind.QUIZ, QUIZ), EventKind.QUIZ_PASSED, 3, 0.9),   # also completes the gated lesson
        _event(ItemKey(ItemKind.PRACTICAL_EXERCISE, EXERCISE), EventKind.EXERCISE_APPROVED, 4),
    ]
    _, summary = progress(done)
    assert (summary.state, summary.percent_complete) == (State.PASSED, 100)
    assert summary.passed_at == T0 + timedelta(seconds=4)
    _, later = progress([*done, _event(ItemKey(ItemKind.QUIZ, QUIZ), EventKind.QUIZ_FAILED, 99, 0.1)])
    assert later == summary
    _, partial = progress(done[:2])
    assert (partial.state, partial.percent_complete) == (State.IN_PROGRESS, 40)  # 2 of 5 required items
    _, unpassed = progress([*done[:2], done[3]])
    assert unpassed.state == State.IN_PROGRESS  # the gated lesson waits for its quiz
    _, by_session = progress([*done[:2], done[3], _event(ItemKey(ItemKind.LESSON, GATED), EventKind.VIEWED, 5)])
    assert by_session.state == State.IN_PROGRESS


def test_carry_over_keeps_items_that_exist_in_the_new_version():
    folded, _ = progress([_event(ItemKey(ItemKind.LESSON, VIDEO), EventKind.VIEWED),
                          _event(ItemKey(ItemKind.TRAINING_SESSION, SESSION), EventKind.SESSION_FAILED, score=0.2),
                          _event(ItemKey(ItemKind.LESSON, SCENARIO), EventKind.COMPLETED)])
    items = {item: fold for (_, item), fold in folded.items()}
    target = domain.Structure(lessons=(domain.Lesson(VIDEO, M1, CompletionRule.VIEW),))
    assert set(domain.carry_over(items, target)) == {ItemKey(ItemKind.LESSON, VIDEO)}


def test_certificate_request_ids_are_one_per_learner_and_version():
    assert domain.certificate_request_id("t", COURSE) == domain.certificate_request_id("t", COURSE)
    assert domain.certificate_request_id("t", COURSE) != domain.certificate_request_id(
        "t", CourseKey(COURSE.user_id, COURSE.course_id, 2))
