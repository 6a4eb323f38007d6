"""Module.topic_area (stored, trimmed, bounded, copied into new drafts, migration 0003) and
BranchChoice.correct (an answer key: stored in the scenario steps, shown to authoring roles only)."""

from __future__ import annotations

import uuid

import grpc
import psycopg
import pytest
from alembic import command

from learning.catalog.v1 import catalog_resources_pb2 as res
from learning.catalog.v1 import catalog_service_pb2 as svc
from services.catalog.main import DEFINITION
from shared import provision as provisioning
from shared.db import libpq_url
from shared.migrations import alembic_config, migrate
from tests.support.rpc import error_reason, field_violations


def invalid_module(catalog, course_id: str, **fields) -> dict[str, str]:
    with pytest.raises(grpc.RpcError) as caught:
        catalog.module(course_id, **fields)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, caught.value.details()
    assert error_reason(caught.value) == "ERROR_REASON_INVALID_FIELD"
    return field_violations(caught.value)


def graded_scenario() -> res.InteractiveContent:
    """The gift scenario with its right answers marked: "decline" at the start, "retry" after a mistake."""
    return res.InteractiveContent(entry_step_id="start", steps=[
        res.ScenarioStep(step_id="start", prompt="A supplier offers a gift. What do you do?", choices=[
            res.BranchChoice(choice_key="accept", text="Accept it", next_step_id="bad"),
            res.BranchChoice(choice_key="decline", text="Decline politely", next_step_id="good", correct=True),
            res.BranchChoice(choice_key="report", text="Decline and report it", next_step_id="good", correct=True)]),
        res.ScenarioStep(step_id="bad", prompt="That breaches the policy.", choices=[
            res.BranchChoice(choice_key="retry", text="Try again", next_step_id="start", correct=True)]),
        res.ScenarioStep(step_id="good", prompt="Well done."),
    ])


def correct_flags(lesson: res.Lesson) -> dict[tuple[str, str], bool]:
    return {(step.step_id, choice.choice_key): choice.correct
            for step in lesson.interactive.steps for choice in step.choices}


GRADED = {("start", "accept"): False, ("start", "decline"): True, ("start", "report"): True,
          ("bad", "retry"): True}


def scenario_lesson(catalog, module_id: str) -> res.Lesson:
    request = svc.CreateLessonRequest(tenant_id=catalog.tenant, module_id=module_id, title="Gift scenario",
                                      interactive=graded_scenario())
    return catalog.stub.CreateLesson(request, metadata=catalog.md).lesson


# -- topic_area -----------------------------------------------------------------

def test_topic_area_round_trips_trimmed(catalog):
    course = catalog.course()
    module = catalog.module(course.course_id, topic_area="  supplier negotiation \n")
    plain = catalog.module(course.course_id, "Without topic")
    blank = catalog.module(course.course_id, "Blank topic", topic_area="   ")
    longest = catalog.module(course.course_id, "Longest topic", topic_area="t" * 200 + " ")
    assert module.topic_area == "supplier negotiation"
    assert (plain.topic_area, blank.topic_area, longest.topic_area) == ("", "", "t" * 200)
    tree = catalog.version(course.course_id, 1)
    assert [m.topic_area for m in tree.modules] == ["supplier negotiation", "", "", "t" * 200]
    assert tree.modules[0] == module  # CreateModule answers what GetCourseVersion reads


def test_topic_area_too_long_or_with_nul_is_invalid_and_writes_nothing(catalog, catalog_owner_sql):
    course = catalog.course()
    assert invalid_module(catalog, course.course_id, topic_area="t" * 201).keys() == {"topic_area"}
    assert invalid_module(catalog, course.course_id, topic_area="supplier\x00risk").keys() == {"topic_area"}
    # Reported with every other bad field at once.
    assert invalid_module(catalog, course.course_id, title=" ", topic_area="x" * 300).keys() == {"title",
                                                                                                  "topic_area"}
    assert catalog_owner_sql.execute("SELECT count(*) FROM learning_modules WHERE tenant_id = %s",
                                     (catalog.tenant,)).fetchone() == (0,)


def test_topic_area_is_kept_in_a_new_draft_and_the_published_version(catalog):
    course = catalog.course()
    module = catalog.module(course.course_id, "Negotiation", topic_area="supplier negotiation")
    catalog.video_lesson(module.module_id)
    catalog.publish(course.course_id)
    revised = catalog.update(course.course_id, ["title"], title="Revised")
    assert revised.draft_version == 2
    draft = catalog.version(course.course_id, 2)
    assert [(m.module_id, m.topic_area) for m in draft.modules] == [(module.module_id, "supplier negotiation")]
    added = catalog.module(course.course_id, "Contracts", topic_area="contract management")
    catalog.publish(course.course_id)
    assert [m.topic_area for m in catalog.version(course.course_id).modules] == ["supplier negotiation",
                                                                                "contract management"]
    assert catalog.version(course.course_id, 1).modules[0].topic_area == "supplier negotiation"
    assert added.version == 2


def test_topic_area_counts_against_the_version_size_budget(catalog, catalog_owner_sql):
    with_topic, without_topic = catalog.course("With"), catalog.course("With")
    catalog.module(with_topic.course_id, "Same title", topic_area="t" * 200)
    catalog.module(without_topic.course_id, "Same title")
    sizes = dict(catalog_owner_sql.execute(
        "SELECT course_id::text, structure_bytes FROM learning_course_versions WHERE tenant_id = %s",
        (catalog.tenant,)).fetchall())
    # Field 10: one tag byte, a two-byte length and the 200 characters.
    assert sizes[with_topic.course_id] - sizes[without_topic.course_id] == 203


# -- BranchChoice.correct ---------------------------------------------------------

def test_correct_choices_are_stored_and_shown_to_authoring_roles_only(catalog, tokens):
    course = catalog.course()
    module = catalog.module(course.course_id)
    created = scenario_lesson(catalog, module.module_id)
    assert correct_flags(created) == GRADED  # the author's CreateLesson answer carries the keys
    catalog.publish(course.course_id)
    tenant = catalog.tenant
    revealed = {"author": catalog.md, "admin": tokens.metadata(tenant, ["admin"]),
                "service": tokens.metadata(tenant, ["service"], "assessment"),
                "all-tenant service": tokens.metadata("*", ["service"], "assessment")}
    for who, md in revealed.items():
        lesson = catalog.version(course.course_id, 1, metadata=md).modules[0].lessons[0]
        assert correct_flags(lesson) == GRADED, who
    for role in ("learner", "reviewer", "auditor"):
        view = catalog.version(course.course_id, 1, metadata=tokens.metadata(tenant, [role]))
        lesson = view.modules[0].lessons[0]
        assert correct_flags(lesson) == dict.fromkeys(GRADED, False), role
        # Everything else of the scenario is there.
        assert [c.choice_key for c in lesson.interactive.steps[0].choices] == ["accept", "decline", "report"]
        assert lesson.interactive.steps[0].choices[1].next_step_id == "good"
    learner = catalog.version(course.course_id, 0, metadata=tokens.metadata(tenant, ["learner"]))
    assert not any(correct_flags(learner.modules[0].lessons[0]).values())


def test_correct_choices_are_kept_in_a_new_draft(catalog):
    course = catalog.course()
    module = catalog.module(course.course_id)
    scenario_lesson(catalog, module.module_id)
    catalog.publish(course.course_id)
    catalog.update(course.course_id, ["title"], title="Revised")
    assert correct_flags(catalog.version(course.course_id, 2).modules[0].lessons[0]) == GRADED


def test_choices_stored_without_correct_read_as_false(catalog, catalog_owner_sql):
    """Scenario steps stored before BranchChoice.correct existed have no "correct" key."""
    course = catalog.course()
    module = catalog.module(course.course_id)
    lesson = scenario_lesson(catalog, module.module_id)
    catalog_owner_sql.execute("""
        UPDATE learning_interactive_lessons SET steps = (
            SELECT jsonb_agg(jsonb_set(step, '{choices}', coalesce(
                (SELECT jsonb_agg(choice - 'correct') FROM jsonb_array_elements(step -> 'choices') choice),
                '[]'::jsonb)))
            FROM jsonb_array_elements(steps) step)
        WHERE tenant_id = %s AND lesson_id = %s""", (catalog.tenant, lesson.lesson_id))
    assert "correct" not in str(catalog_owner_sql.execute(
        "SELECT steps FROM learning_interactive_lessons WHERE tenant_id = %s", (catalog.tenant,)).fetchone()[0])
    read = catalog.version(course.course_id, 1).modules[0].lessons[0]
    assert correct_flags(read) == dict.fromkeys(GRADED, False)
    assert [s.step_id for s in read.interactive.steps] == ["start", "bad", "good"]


def test_any_number_of_correct_choices_is_valid(catalog):
    course = catalog.course()
    module = catalog.module(course.course_id)
    scenario = graded_scenario()
    for choice in scenario.steps[0].choices:
        choice.correct = True
    scenario.steps[1].choices[0].correct = False  # a step without a right answer is not assessed
    request = svc.CreateLessonRequest(tenant_id=catalog.tenant, module_id=module.module_id, title="All right",
                                      interactive=scenario)
    lesson = catalog.stub.CreateLesson(request, metadata=catalog.md).lesson
    assert correct_flags(lesson) == {**dict.fromkeys(GRADED, True), ("bad", "retry"): False}
    # The existing rules still apply to choices marked correct.
    request.interactive.steps[0].choices[0].next_step_id = "missing"  # (the request holds a copy)
    with pytest.raises(grpc.RpcError) as caught:
        catalog.stub.CreateLesson(request, metadata=catalog.md)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(field_violations(caught.value)) == {"interactive.steps[0].choices[0].next_step_id"}


# -- migration 0003 ---------------------------------------------------------------

def test_the_topic_area_migration_keeps_existing_modules(admin_url):
    """0003 adds learning_modules.topic_area: modules of 0002, in drafts and published versions, read ''."""
    database = provisioning.provision(admin_url, "catalog", suffix=f"_m{uuid.uuid4().hex[:8]}")
    try:
        config = alembic_config(DEFINITION.migrations, database.owner_url)
        command.upgrade(config, "0002_version_size_budget")
        tenant, course_id, module_id = "t-topic", str(uuid.uuid4()), str(uuid.uuid4())
        with psycopg.connect(libpq_url(database.owner_url), autocommit=True) as conn:
            conn.execute("INSERT INTO learning_courses VALUES "
                         "(%s, %s, 'published', 2, 1, 2, 1, now(), now(), now(), NULL)", (tenant, course_id))
            for version in (1, 2):
                conn.execute("INSERT INTO learning_course_versions (tenant_id, course_id, version, state, title, "
                             "description, objectives, target_audience, metadata, published_by, created_at, "
                             "updated_at, structure_bytes) "
                             "VALUES (%s, %s, %s, 'draft', 'T', '', '{}', '', '{}', '', now(), now(), 100)",
                             (tenant, course_id, version))
                conn.execute("INSERT INTO learning_modules (tenant_id, course_id, version, module_id, position, "
                             "title, description, created_at, updated_at) "
                             "VALUES (%s, %s, %s, %s, 1, 'Module', 'd', now(), now())",
                             (tenant, course_id, version, module_id))
            conn.execute("UPDATE learning_course_versions SET state = 'published' WHERE version = 1")
        migrate(DEFINITION.migrations, database.owner_url, database.runtime_url, DEFINITION.append_only_tables)
        with psycopg.connect(libpq_url(database.owner_url), autocommit=True) as conn:
            assert conn.execute("SELECT version, topic_area FROM learning_modules ORDER BY version").fetchall() \
                == [(1, ""), (2, "")]
            assert conn.execute("SELECT DISTINCT structure_bytes FROM learning_course_versions").fetchall() == [(100,)]
            # The published version stays immutable; the draft's module takes a topic area.
            with pytest.raises(psycopg.errors.RaiseException):
                conn.execute("UPDATE learning_modules SET topic_area = 'x' WHERE version = 1")
            conn.execute("UPDATE learning_modules SET topic_area = 'supplier risk' WHERE version = 2")
        command.downgrade(config, "0002_version_size_budget")
        with psycopg.connect(libpq_url(database.owner_url)) as conn:
            assert conn.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                                "'learning_modules' AND column_name = 'topic_area'").fetchone() == (0,)
            assert conn.execute("SELECT count(*) FROM learning_modules").fetchone() == (2,)
    finally:
        provisioning.drop(admin_url, database.database)
