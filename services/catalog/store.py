"""Queries of the catalog database (SQLAlchemy Core on an Session).

Every query filters by tenant_id first, so another tenant's ids are simply not
found. Every write to a course or its structure first locks the course row
(`lock_course`), which serializes authoring per course: positions, new versions and
publication never race. Inserts take the typed inputs of validate.py, whose fields are
named as the columns they fill, and return the inserted rows. Tables are in tables.py.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    Table,
    and_,
    bindparam,
    func,
    insert,
    literal,
    select,
    true,
    tuple_,
    update,
)

from services.catalog.domain import (
    CompletionRule,
    CourseState,
    CourseStatus,
    ModuleContents,
    PathStatus,
    StepTarget,
    VersionSnapshot,
    VersionState,
)
from services.catalog.tables import (
    ID,
    STRUCTURE_TABLES,
    course_versions,
    courses,
    interactive_lessons,
    learning_path_steps,
    learning_paths,
    lessons,
    modules,
    practical_exercises,
    quiz_questions,
    quizzes,
    video_lessons,
)
from shared.db import Query, Row, Session


def _new_id() -> str:
    return str(uuid.uuid4())


def _columns(table: Table, data: Any) -> dict[str, Any]:
    """The values that a typed input of validate.py (a dataclass) holds for `table`'s columns;
    nested inputs become plain dicts and lists, the shape the JSONB columns store."""
    values = asdict(data)
    return {name: values[name] for name in table.c.keys() if name in values}


async def _insert(session: Session, table: Table, values: dict[str, Any]) -> Row:
    return (await session.execute(insert(table).values(**values).returning(*table.c))).one()


# ---------------------------------------------------------------------------
# Courses
# ---------------------------------------------------------------------------

COURSE_COLUMNS = (
    courses.c.tenant_id, courses.c.course_id, courses.c.status, courses.c.latest_version,
    courses.c.published_version, courses.c.draft_version, courses.c.revision, courses.c.created_at,
    courses.c.updated_at, courses.c.published_at, courses.c.archived_at,
    course_versions.c.title, course_versions.c.description, course_versions.c.objectives,
    course_versions.c.target_audience, course_versions.c.metadata,
)


def _course_with_latest_version():
    """Courses joined with their latest version, which carries the descriptive fields."""
    return select(*COURSE_COLUMNS).join(
        course_versions,
        and_(course_versions.c.tenant_id == courses.c.tenant_id,
             course_versions.c.course_id == courses.c.course_id,
             course_versions.c.version == courses.c.latest_version),
    )


def course_state(row: Row) -> CourseState:
    return CourseState(course_id=row.course_id, status=CourseStatus(row.status), latest_version=row.latest_version,
                       published_version=row.published_version, draft_version=row.draft_version,
                       revision=row.revision)


def _new_course_statement() -> Query:
    """One statement for a new course: the course row and its draft version 1, returned as the
    course's columns (COURSE_COLUMNS). PostgreSQL checks the version's foreign key at the end of
    the statement, when both rows exist."""
    course = insert(courses).values(
        tenant_id=bindparam("tenant_id"), course_id=bindparam("course_id"), status=CourseStatus.DRAFT.value,
        latest_version=1, published_version=0, draft_version=1, revision=1, created_at=bindparam("now"),
        updated_at=bindparam("now"),
    ).returning(*courses.c).cte("new_course")
    version = insert(course_versions).values(
        **{name: bindparam(name) for name in VERSION_INPUT_COLUMNS}, tenant_id=bindparam("tenant_id"),
        course_id=bindparam("course_id"), version=1, state=VersionState.DRAFT.value, published_by="",
        created_at=bindparam("now"), updated_at=bindparam("now"),
    ).returning(*course_versions.c).cte("new_version")
    by_table = {courses: course, course_versions: version}
    return Query(select(*(by_table[column.table].c[column.name] for column in COURSE_COLUMNS))
                 .select_from(course.join(version, true())))


#: The descriptive fields of a version (validate.CourseInput's fields).
VERSION_INPUT_COLUMNS = ("title", "description", "objectives", "target_audience", "metadata")
NEW_COURSE = _new_course_statement()


async def insert_course(session: Session, tenant_id: str, course: Any, now: datetime) -> Row:
    """A new course with `course` (validate.CourseInput) as its open draft version 1; returns its
    row as get_course does."""
    values = _columns(course_versions, course)
    return (await session.execute(NEW_COURSE, {name: values[name] for name in VERSION_INPUT_COLUMNS},
                                  tenant_id=tenant_id, course_id=_new_id(), now=now)).one()


GET_COURSE = Query(_course_with_latest_version().where(courses.c.tenant_id == bindparam("tenant_id"),
                                                       courses.c.course_id == bindparam("course_id")))


async def get_course(session: Session, tenant_id: str, course_id: str) -> Row | None:
    return (await session.execute(GET_COURSE, tenant_id=tenant_id, course_id=course_id)).first()


async def lock_course(session: Session, tenant_id: str, course_id: str) -> CourseState | None:
    """Lock the course row for the rest of the transaction (all authoring serializes on it)."""
    row = (await session.execute(
        select(courses).where(courses.c.tenant_id == tenant_id, courses.c.course_id == course_id).with_for_update()
    )).first()
    return course_state(row) if row else None


async def list_courses(session: Session, tenant_id: str, *, status: CourseStatus | None,
                       after: tuple[datetime, str] | None, limit: int) -> list[Row]:
    query = _course_with_latest_version().where(courses.c.tenant_id == tenant_id)
    if status is not None:
        query = query.where(courses.c.status == status.value)
    if after is not None:
        query = query.where(tuple_(courses.c.created_at, courses.c.course_id)
                            > tuple_(literal(after[0], courses.c.created_at.type), literal(after[1], ID)))
    query = query.order_by(courses.c.created_at, courses.c.course_id).limit(limit)
    return list((await session.execute(query)).all())


async def change_course(session: Session, tenant_id: str, course_id: str, *, now: datetime,
                        **values) -> None:
    """Apply lifecycle changes; every change bumps the revision (and so the etag) and update time."""
    await session.execute(
        update(courses).where(courses.c.tenant_id == tenant_id, courses.c.course_id == course_id)
        .values(revision=courses.c.revision + 1, updated_at=now, **values))


async def update_version_fields(session: Session, tenant_id: str, course_id: str, version: int,
                                changes: dict[str, Any], now: datetime) -> None:
    """Set the descriptive columns in `changes` (validate.CourseUpdate.changes) on a draft version."""
    await session.execute(
        update(course_versions).where(course_versions.c.tenant_id == tenant_id,
                                      course_versions.c.course_id == course_id,
                                      course_versions.c.version == version,
                                      # Defence in depth: a published version is never rewritten.
                                      course_versions.c.state == VersionState.DRAFT.value)
        .values(updated_at=now, **changes))


GROW_VERSION = Query(
    update(course_versions)
    .where(course_versions.c.tenant_id == bindparam("tenant_id"), course_versions.c.course_id == bindparam("course_id"),
           course_versions.c.version == bindparam("version"),
           course_versions.c.structure_bytes + bindparam("adding", type_=Integer) <= bindparam("limit", type_=Integer))
    .values(structure_bytes=course_versions.c.structure_bytes + bindparam("adding", type_=Integer))
    .returning(course_versions.c.structure_bytes))


async def grow_version(session: Session, tenant_id: str, course_id: str, version: int, adding: int,
                       limit: int) -> int | None:
    """Count `adding` more bytes of structure in the draft version if the total stays within `limit`;
    the new total, or None when it would not fit (nothing changed)."""
    return (await session.execute(GROW_VERSION, tenant_id=tenant_id, course_id=course_id, version=version,
                                  adding=adding, limit=limit)).scalar()


async def copy_version(session: Session, tenant_id: str, course_id: str, source: int, target: int,
                       now: datetime) -> None:
    """Open draft `target` as a copy of `source`, structure included, keeping every element id."""
    v = course_versions.c
    await session.execute(insert(course_versions).from_select(
        [v.tenant_id, v.course_id, v.version, v.state, v.title, v.description, v.objectives, v.target_audience,
         v.metadata, v.published_by, v.created_at, v.updated_at, v.structure_bytes],
        select(v.tenant_id, v.course_id, literal(target, Integer), literal(VersionState.DRAFT.value),
               v.title, v.description, v.objectives, v.target_audience, v.metadata, literal(""),
               literal(now, v.created_at.type), literal(now, v.updated_at.type), v.structure_bytes)
        .where(v.tenant_id == tenant_id, v.course_id == course_id, v.version == source)))
    for table in STRUCTURE_TABLES:
        columns = list(table.c)
        source_columns = [literal(target, Integer) if c.name == "version" else c for c in columns]
        await session.execute(insert(table).from_select(
            columns,
            select(*source_columns).where(table.c.tenant_id == tenant_id, table.c.course_id == course_id,
                                          table.c.version == source)))


async def publish_version(session: Session, tenant_id: str, course_id: str, version: int, *,
                          published_by: str, now: datetime) -> None:
    await session.execute(
        update(course_versions).where(course_versions.c.tenant_id == tenant_id,
                                      course_versions.c.course_id == course_id,
                                      course_versions.c.version == version)
        .values(state=VersionState.PUBLISHED.value, published_by=published_by, published_at=now, updated_at=now))


async def get_version(session: Session, tenant_id: str, course_id: str, version: int) -> Row | None:
    v = course_versions.c
    return (await session.execute(
        select(course_versions).where(v.tenant_id == tenant_id, v.course_id == course_id, v.version == version)
    )).first()


async def list_versions(session: Session, tenant_id: str, course_id: str, *, before: int | None,
                        limit: int) -> list[Row]:
    v = course_versions.c
    query = select(course_versions).where(v.tenant_id == tenant_id, v.course_id == course_id)
    if before is not None:
        query = query.where(v.version < before)
    return list((await session.execute(query.order_by(v.version.desc()).limit(limit))).all())


# ---------------------------------------------------------------------------
# Structure
# ---------------------------------------------------------------------------

async def course_of_module(session: Session, tenant_id: str, module_id: str) -> str | None:
    """The course a module id belongs to (module ids are unique per tenant across courses)."""
    return (await session.execute(
        select(modules.c.course_id).where(modules.c.tenant_id == tenant_id, modules.c.module_id == module_id)
        .limit(1))).scalar()


async def module_in_version(session: Session, tenant_id: str, course_id: str, version: int,
                            module_id: str) -> bool:
    return (await session.execute(
        select(modules.c.module_id).where(modules.c.tenant_id == tenant_id, modules.c.course_id == course_id,
                                          modules.c.version == version, modules.c.module_id == module_id)
    )).first() is not None


async def _next_position(session: Session, table: Table, tenant_id: str, course_id: str, version: int,
                         module_id: str | None = None) -> int:
    """Append position; safe because the caller holds the course row lock."""
    query = select(func.coalesce(func.max(table.c.position), 0) + 1).where(
        table.c.tenant_id == tenant_id, table.c.course_id == course_id, table.c.version == version)
    if module_id is not None:
        query = query.where(table.c.module_id == module_id)
    return int((await session.execute(query)).scalar_one())


async def _append(session: Session, table: Table, id_column: str, tenant_id: str, course_id: str,
                  version: int, data: Any, now: datetime, *, in_module: str | None = None) -> Row:
    """Insert `data` as a new element with a fresh id at the end of its course version (or module)."""
    position = await _next_position(session, table, tenant_id, course_id, version, in_module)
    return await _insert(session, table, {
        **_columns(table, data), "tenant_id": tenant_id, "course_id": course_id, "version": version,
        id_column: _new_id(), "position": position, "created_at": now, "updated_at": now})


async def insert_module(session: Session, tenant_id: str, course_id: str, version: int, module: Any,
                        now: datetime) -> Row:
    """Append `module` (validate.ModuleInput) to the draft `version`; the caller holds the course lock."""
    return await _append(session, modules, "module_id", tenant_id, course_id, version, module, now)


async def insert_lesson(session: Session, tenant_id: str, course_id: str, version: int, lesson: Any,
                        now: datetime) -> tuple[Row, Row | None, Row | None]:
    """Append `lesson` (validate.LessonInput) to its module; returns (lesson, video, interactive) rows."""
    row = await _append(session, lessons, "lesson_id", tenant_id, course_id, version, lesson, now,
                        in_module=lesson.module_id)
    key = {"tenant_id": tenant_id, "course_id": course_id, "version": version, "lesson_id": row.lesson_id}
    video = interactive = None
    if lesson.video is not None:
        video = await _insert(session, video_lessons, {**_columns(video_lessons, lesson.video), **key})
    if lesson.interactive is not None:
        interactive = await _insert(session, interactive_lessons,
                                    {**_columns(interactive_lessons, lesson.interactive), **key})
    return row, video, interactive


async def insert_quiz(session: Session, tenant_id: str, course_id: str, version: int, quiz: Any,
                      now: datetime) -> tuple[Row, list[Row]]:
    """Append `quiz` (validate.QuizInput) to its module; returns the quiz and its questions in order."""
    row = await _append(session, quizzes, "quiz_id", tenant_id, course_id, version, quiz, now,
                        in_module=quiz.module_id)
    questions = [{**_columns(quiz_questions, question), "tenant_id": tenant_id, "course_id": course_id,
                  "version": version, "quiz_id": row.quiz_id, "question_id": _new_id(), "position": position}
                 for position, question in enumerate(quiz.questions, start=1)]
    inserted = (await session.execute(insert(quiz_questions).values(questions).returning(*quiz_questions.c))).all()
    return row, sorted(inserted, key=lambda question: question.position)


async def insert_exercise(session: Session, tenant_id: str, course_id: str, version: int, exercise: Any,
                          now: datetime) -> Row:
    """Append `exercise` (validate.ExerciseInput) to its module."""
    return await _append(session, practical_exercises, "exercise_id", tenant_id, course_id, version, exercise,
                         now, in_module=exercise.module_id)


async def _rows(session: Session, table, tenant_id: str, course_id: str, version: int, *order) -> list[Row]:
    query = select(table).where(table.c.tenant_id == tenant_id, table.c.course_id == course_id,
                                table.c.version == version)
    return list((await session.execute(query.order_by(*order))).all())


async def load_snapshot(session: Session, tenant_id: str, course_id: str, version: int) -> VersionSnapshot | None:
    version_row = await get_version(session, tenant_id, course_id, version)
    if version_row is None:
        return None
    snapshot = VersionSnapshot(version=version_row)
    snapshot.modules = await _rows(session, modules, tenant_id, course_id, version, modules.c.position)
    snapshot.lessons = await _rows(session, lessons, tenant_id, course_id, version, lessons.c.module_id,
                                   lessons.c.position)
    snapshot.videos = {r.lesson_id: r for r in await _rows(session, video_lessons, tenant_id, course_id, version)}
    snapshot.interactives = {r.lesson_id: r for r in
                             await _rows(session, interactive_lessons, tenant_id, course_id, version)}
    snapshot.quizzes = await _rows(session, quizzes, tenant_id, course_id, version, quizzes.c.module_id,
                                   quizzes.c.position)
    snapshot.questions = await _rows(session, quiz_questions, tenant_id, course_id, version,
                                     quiz_questions.c.quiz_id, quiz_questions.c.position)
    snapshot.exercises = await _rows(session, practical_exercises, tenant_id, course_id, version,
                                     practical_exercises.c.module_id, practical_exercises.c.position)
    return snapshot


async def module_contents(session: Session, tenant_id: str, course_id: str, version: int) -> list[ModuleContents]:
    """What publication needs to know about each module of a version."""
    def count(table):
        return (select(func.count()).where(table.c.tenant_id == modules.c.tenant_id,
                                           table.c.course_id == modules.c.course_id,
                                           table.c.version == modules.c.version,
                                           table.c.module_id == modules.c.module_id)
                .scalar_subquery())

    module_rows = (await session.execute(
        select(modules.c.module_id, count(quizzes).label("quizzes"), count(practical_exercises).label("exercises"))
        .where(modules.c.tenant_id == tenant_id, modules.c.course_id == course_id, modules.c.version == version)
    )).all()
    lesson_rows = await _rows(session, lessons, tenant_id, course_id, version, lessons.c.position)
    return [
        ModuleContents(
            module_id=m.module_id, quiz_count=m.quizzes, exercise_count=m.exercises,
            lessons=tuple((row.lesson_id, CompletionRule(row.completion_rule))
                          for row in lesson_rows if row.module_id == m.module_id))
        for m in module_rows
    ]


# ---------------------------------------------------------------------------
# Learning paths
# ---------------------------------------------------------------------------

async def insert_path(session: Session, tenant_id: str, path: Any, now: datetime) -> str:
    """A new draft learning path from `path` (validate.PathInput) with its steps; returns its id."""
    path_id = _new_id()
    await session.execute(insert(learning_paths).values(
        **_columns(learning_paths, path), tenant_id=tenant_id, learning_path_id=path_id, version=1,
        status=PathStatus.DRAFT.value, created_at=now, updated_at=now))
    if path.steps:
        await session.execute(insert(learning_path_steps), [
            {**_columns(learning_path_steps, step), "tenant_id": tenant_id, "learning_path_id": path_id}
            for step in path.steps])
    return path_id


async def get_path(session: Session, tenant_id: str, path_id: str, *, lock: bool = False) -> Row | None:
    query = select(learning_paths).where(learning_paths.c.tenant_id == tenant_id,
                                         learning_paths.c.learning_path_id == path_id)
    return (await session.execute(query.with_for_update() if lock else query)).first()


async def path_steps(session: Session, tenant_id: str, path_ids: list[str]) -> dict[str, list[Row]]:
    steps: dict[str, list[Row]] = {path_id: [] for path_id in path_ids}
    if path_ids:
        s = learning_path_steps.c
        rows = (await session.execute(
            select(learning_path_steps).where(s.tenant_id == tenant_id, s.learning_path_id.in_(path_ids))
            .order_by(s.learning_path_id, s.position))).all()
        for row in rows:
            steps[row.learning_path_id].append(row)
    return steps


async def list_paths(session: Session, tenant_id: str, *, status: PathStatus | None,
                     after: tuple[datetime, str] | None, limit: int) -> list[Row]:
    p = learning_paths.c
    query = select(learning_paths).where(p.tenant_id == tenant_id)
    if status is not None:
        query = query.where(p.status == status.value)
    if after is not None:
        query = query.where(tuple_(p.created_at, p.learning_path_id)
                            > tuple_(literal(after[0], p.created_at.type), literal(after[1], ID)))
    return list((await session.execute(query.order_by(p.created_at, p.learning_path_id).limit(limit))).all())


async def step_targets(session: Session, tenant_id: str, steps: list[Row]) -> list[StepTarget]:
    """Look up each step's course version; FOR SHARE keeps those courses from being archived meanwhile."""
    targets = []
    for step in steps:
        course = (await session.execute(
            select(courses.c.status).where(courses.c.tenant_id == tenant_id, courses.c.course_id == step.course_id)
            .with_for_update(read=True))).first()
        version = await get_version(session, tenant_id, step.course_id, step.course_version)
        targets.append(StepTarget(
            course_id=step.course_id, version=step.course_version,
            version_state=VersionState(version.state) if version else None,
            course_status=CourseStatus(course.status) if course else None))
    return targets


async def publish_path(session: Session, tenant_id: str, path_id: str, now: datetime) -> None:
    await session.execute(
        update(learning_paths).where(learning_paths.c.tenant_id == tenant_id,
                                     learning_paths.c.learning_path_id == path_id)
        .values(status=PathStatus.PUBLISHED.value, published_at=now, updated_at=now))
