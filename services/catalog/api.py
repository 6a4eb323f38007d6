"""The CatalogService servicer (grpc.aio).

Per RPC: authorize the caller for the tenant, validate the whole request
(validate.py), then do the work in ONE transaction bounded by the caller's deadline
and convert rows to protos (convert.py). Rules live in domain.py, SQL in store.py.
"""

from __future__ import annotations

from datetime import datetime

from learning.catalog.v1 import catalog_service_pb2 as svc
from learning.catalog.v1 import catalog_service_pb2_grpc
from services.catalog import convert, domain, store, validate
from services.catalog.domain import CourseStatus, PathStatus
from services.catalog.tables import idempotency_keys, lessons, modules, outbox, practical_exercises, quizzes
from shared.auth import ADMIN, ALL_ROLES, AUTHOR, SERVICE, Principal, current_principal
from shared.db import Database
from shared.errors import FieldViolation, InvalidArgument, NotFound
from shared.idempotency import run_once
from shared.interceptors import deadline_seconds
from shared.outbox import enqueue_audit_event
from shared.pagination import PageToken, filter_fingerprint, page_size
from shared.timeutil import utcnow
from shared.validation import is_uuid

SERVICE_NAME = "catalog"
MAX_INT32 = 2**31 - 1
AUTHORING_ROLES = frozenset({AUTHOR, ADMIN, SERVICE})
# The contract's "Roles: any": reviewers and auditors read the content they review or audit too.
READ_ROLES = ALL_ROLES
# Who may see quiz answer keys and free-text rubrics.
ANSWER_KEY_ROLES = AUTHORING_ROLES


def _authorize(tenant_id: str, roles: frozenset[str]) -> Principal:
    principal = current_principal()
    principal.authorize(tenant_id, roles)
    return principal


def _keyset(token: str, filters: str) -> tuple[datetime, str] | None:
    """Decode a (create time, id) keyset token; anything malformed is INVALID_ARGUMENT."""
    key = PageToken.decode(token, filters, 2)
    if key is None:
        return None
    try:
        created = datetime.fromisoformat(key[0])
        if created.tzinfo is None or not is_uuid(key[1]):
            raise ValueError
    except (TypeError, ValueError):
        raise InvalidArgument([FieldViolation("page_token", "is not a token issued by this service")]) from None
    return created, key[1]


def _next_token(rows: list, limit: int, filters: str, key) -> str:
    if len(rows) <= limit:
        return ""
    return PageToken(key(rows[limit - 1]), filters).encode()


class CatalogApi(catalog_service_pb2_grpc.CatalogServiceServicer):
    def __init__(self, db: Database) -> None:
        self.db = db

    def _transaction(self, context):
        return self.db.transaction(timeout_seconds=deadline_seconds(context))

    # -- courses --------------------------------------------------------------

    async def CreateCourse(self, request, context):
        _authorize(request.tenant_id, AUTHORING_ROLES)
        request_id, fields = validate.create_course(request)
        tenant = request.tenant_id
        replayed = True

        async with self._transaction(context) as session:
            async def create():
                nonlocal replayed
                replayed = False
                course_id = await store.insert_course(session, tenant_id=tenant, fields=fields, now=utcnow())
                return svc.CreateCourseResponse(course=convert.course(await store.get_course(session, tenant, course_id)))

            response = await run_once(session, idempotency_keys, tenant_id=tenant, request_id=request_id,
                                      method="CreateCourse", request=request,
                                      response_type=svc.CreateCourseResponse, compute=create)
            if replayed:  # a retry answers with the course's current state
                response.course.CopyFrom(await self._course(session, tenant, response.course.course_id))
        return response

    async def GetCourse(self, request, context):
        _authorize(request.tenant_id, READ_ROLES)
        course_id = validate.course_id_request(request)
        async with self._transaction(context) as session:
            return svc.GetCourseResponse(course=await self._course(session, request.tenant_id, course_id))

    async def ListCourses(self, request, context):
        _authorize(request.tenant_id, READ_ROLES)
        validate.list_request(request, convert.COURSE_STATUS_FILTER)
        limit = page_size(request.page_size)
        filters = filter_fingerprint("ListCourses", request.tenant_id, request.status)
        after = _keyset(request.page_token, filters)
        status = convert.COURSE_STATUS_FILTER.get(request.status)
        async with self._transaction(context) as session:
            rows = await store.list_courses(session, request.tenant_id, status=status, after=after, limit=limit + 1)
        return svc.ListCoursesResponse(
            courses=[convert.course(row) for row in rows[:limit]],
            next_page_token=_next_token(rows, limit, filters, lambda r: [r.created_at.isoformat(), r.course_id]))

    async def UpdateCourse(self, request, context):
        _authorize(request.tenant_id, AUTHORING_ROLES)
        course_id, fields = validate.update_course(request)
        tenant, now = request.tenant_id, utcnow()
        async with self._transaction(context) as session:
            course = await self._lock_course(session, tenant, course_id)
            domain.check_etag(course, request.etag)
            plan = domain.plan_update(course)
            if plan.copy_from is not None:
                await store.copy_version(session, tenant, course_id, plan.copy_from, plan.target_version, now)
                await store.change_course(session, tenant, course_id, now=now, latest_version=plan.target_version,
                                          draft_version=plan.target_version)
            else:
                await store.change_course(session, tenant, course_id, now=now)
            await store.update_version_fields(session, tenant, course_id, plan.target_version, fields, now)
            return svc.UpdateCourseResponse(course=await self._course(session, tenant, course_id))

    async def PublishCourse(self, request, context):
        principal = _authorize(request.tenant_id, AUTHORING_ROLES)
        request_id, course_id = validate.publish_course(request)
        tenant = request.tenant_id
        replayed = True

        async with self._transaction(context) as session:
            async def publish():
                nonlocal replayed
                replayed = False
                return await self._publish(session, principal, tenant, course_id, request.etag)

            response = await run_once(session, idempotency_keys, tenant_id=tenant, request_id=request_id,
                                      method="PublishCourse", request=request,
                                      response_type=svc.PublishCourseResponse, compute=publish)
            if replayed:
                response.course.CopyFrom(await self._course(session, tenant, course_id))
        return response

    async def _publish(self, session, principal: Principal, tenant: str, course_id: str, etag: str):
        now = utcnow()
        course = await self._lock_course(session, tenant, course_id)
        domain.check_etag(course, etag)
        domain.require_open_draft(course)
        contents = await store.module_contents(session, tenant, course_id, course.draft_version)
        version = domain.check_publishable(course, contents)
        await store.publish_version(session, tenant, course_id, version, published_by=principal.subject, now=now)
        await store.change_course(session, tenant, course_id, now=now, status=CourseStatus.PUBLISHED.value,
                                  published_version=version, draft_version=0, published_at=now)
        published = await self._course(session, tenant, course_id)
        # Same transaction as the publication: the event exists exactly when the version does.
        await enqueue_audit_event(
            session, outbox, tenant_id=tenant, actor_id=principal.subject, action="course.published",
            subject_type="course", subject_id=course_id, source_service=SERVICE_NAME,
            payload={"course_id": course_id, "version": version, "title": published.title})
        return svc.PublishCourseResponse(course=published, published_version=version)

    async def ArchiveCourse(self, request, context):
        _authorize(request.tenant_id, AUTHORING_ROLES)
        course_id = validate.course_id_request(request)
        tenant, now = request.tenant_id, utcnow()
        async with self._transaction(context) as session:
            course = await self._lock_course(session, tenant, course_id)
            if course.status is not CourseStatus.ARCHIVED:  # archiving twice returns it unchanged
                domain.check_etag(course, request.etag)
                await store.change_course(session, tenant, course_id, now=now, status=CourseStatus.ARCHIVED.value,
                                          archived_at=now)
            return svc.ArchiveCourseResponse(course=await self._course(session, tenant, course_id))

    # -- structure ------------------------------------------------------------

    async def CreateModule(self, request, context):
        _authorize(request.tenant_id, AUTHORING_ROLES)
        request_id, course_id, fields = validate.create_module(request)
        tenant = request.tenant_id

        async with self._transaction(context) as session:
            async def create():
                now = utcnow()
                course = await self._lock_course(session, tenant, course_id)
                version = domain.require_open_draft(course)
                row = dict(tenant_id=tenant, course_id=course_id, version=version, module_id=store.new_id(),
                           position=await store.next_position(session, modules, tenant, course_id, version),
                           created_at=now, updated_at=now, **fields)
                await store.insert_row(session, modules, row)
                await store.change_course(session, tenant, course_id, now=now)
                return svc.CreateModuleResponse(module=convert.module(_Row(row)))

            return await run_once(session, idempotency_keys, tenant_id=tenant, request_id=request_id,
                                  method="CreateModule", request=request, response_type=svc.CreateModuleResponse,
                                  compute=create)

    async def _draft_module(self, session, tenant: str, module_id: str) -> tuple[str, int]:
        """(course_id, draft version) for authoring into a module; locks the course."""
        course_id = await store.course_of_module(session, tenant, module_id)
        if course_id is None:
            raise NotFound("module", module_id)
        course = await self._lock_course(session, tenant, course_id)
        version = domain.require_open_draft(course)
        if not await store.module_in_version(session, tenant, course_id, version, module_id):
            raise NotFound("module", module_id)
        return course_id, version

    async def CreateLesson(self, request, context):
        _authorize(request.tenant_id, AUTHORING_ROLES)
        data = validate.create_lesson(request)
        tenant = request.tenant_id

        async with self._transaction(context) as session:
            async def create():
                now = utcnow()
                course_id, version = await self._draft_module(session, tenant, data.module_id)
                key = dict(tenant_id=tenant, course_id=course_id, version=version, lesson_id=store.new_id())
                row = dict(key, module_id=data.module_id, created_at=now, updated_at=now,
                           position=await store.next_position(session, lessons, tenant, course_id, version,
                                                              data.module_id), **data.lesson)
                await store.insert_row(session, lessons, row)
                video = interactive = None
                if data.video is not None:
                    video = dict(key, **data.video)
                    await store.insert_row(session, store.video_lessons, video)
                if data.interactive is not None:
                    interactive = dict(key, **data.interactive)
                    await store.insert_row(session, store.interactive_lessons, interactive)
                await store.change_course(session, tenant, course_id, now=now)
                lesson = convert.lesson(_Row(row), domain.VersionState.DRAFT, _Row.maybe(video), _Row.maybe(interactive))
                return svc.CreateLessonResponse(lesson=lesson)

            return await run_once(session, idempotency_keys, tenant_id=tenant, request_id=data.request_id,
                                  method="CreateLesson", request=request, response_type=svc.CreateLessonResponse,
                                  compute=create)

    async def CreateQuiz(self, request, context):
        _authorize(request.tenant_id, AUTHORING_ROLES)
        request_id, module_id, quiz, questions = validate.create_quiz(request)
        tenant = request.tenant_id

        async with self._transaction(context) as session:
            async def create():
                now = utcnow()
                course_id, version = await self._draft_module(session, tenant, module_id)
                key = dict(tenant_id=tenant, course_id=course_id, version=version)
                row = dict(key, quiz_id=store.new_id(), module_id=module_id, created_at=now, updated_at=now,
                           position=await store.next_position(session, quizzes, tenant, course_id, version, module_id),
                           **quiz)
                await store.insert_row(session, quizzes, row)
                question_rows = [dict(key, quiz_id=row["quiz_id"], question_id=store.new_id(), position=i + 1, **q)
                                 for i, q in enumerate(questions)]
                await store.insert_rows(session, store.quiz_questions, question_rows)
                await store.change_course(session, tenant, course_id, now=now)
                return svc.CreateQuizResponse(
                    quiz=convert.quiz(_Row(row), [_Row(q) for q in question_rows], reveal_answers=True))

            return await run_once(session, idempotency_keys, tenant_id=tenant, request_id=request_id,
                                  method="CreateQuiz", request=request, response_type=svc.CreateQuizResponse,
                                  compute=create)

    async def CreatePracticalExercise(self, request, context):
        _authorize(request.tenant_id, AUTHORING_ROLES)
        request_id, module_id, exercise = validate.create_exercise(request)
        tenant = request.tenant_id

        async with self._transaction(context) as session:
            async def create():
                now = utcnow()
                course_id, version = await self._draft_module(session, tenant, module_id)
                row = dict(tenant_id=tenant, course_id=course_id, version=version, exercise_id=store.new_id(),
                           module_id=module_id, created_at=now, updated_at=now,
                           position=await store.next_position(session, practical_exercises, tenant, course_id,
                                                              version, module_id), **exercise)
                await store.insert_row(session, practical_exercises, row)
                await store.change_course(session, tenant, course_id, now=now)
                return svc.CreatePracticalExerciseResponse(practical_exercise=convert.exercise(_Row(row)))

            return await run_once(session, idempotency_keys, tenant_id=tenant, request_id=request_id,
                                  method="CreatePracticalExercise", request=request,
                                  response_type=svc.CreatePracticalExerciseResponse, compute=create)

    # -- versions -------------------------------------------------------------

    async def GetCourseVersion(self, request, context):
        principal = _authorize(request.tenant_id, READ_ROLES)
        course_id = validate.get_course_version(request)
        tenant = request.tenant_id
        async with self._transaction(context) as session:
            course = await store.get_course(session, tenant, course_id)
            if course is None:
                raise NotFound("course", course_id)
            version = request.version or course.published_version
            snapshot = await store.load_snapshot(session, tenant, course_id, version) if version else None
            if snapshot is None:
                raise NotFound("course version", domain.version_subject(course_id, request.version))
        return svc.GetCourseVersionResponse(
            course_version=convert.course_version(snapshot, reveal_answers=principal.has_any(ANSWER_KEY_ROLES)))

    async def ListCourseVersions(self, request, context):
        _authorize(request.tenant_id, READ_ROLES)
        validate.list_request(request)
        course_id, limit = request.course_id.lower(), page_size(request.page_size)
        filters = filter_fingerprint("ListCourseVersions", request.tenant_id, course_id)
        key = PageToken.decode(request.page_token, filters, 1)
        if key is not None and not (type(key[0]) is int and 1 <= key[0] <= MAX_INT32):
            raise InvalidArgument([FieldViolation("page_token", "is not a token issued by this service")])
        async with self._transaction(context) as session:
            if await store.get_course(session, request.tenant_id, course_id) is None:
                raise NotFound("course", course_id)
            rows = await store.list_versions(session, request.tenant_id, course_id,
                                             before=key[0] if key else None, limit=limit + 1)
        return svc.ListCourseVersionsResponse(
            course_versions=[convert.version_summary(row) for row in rows[:limit]],
            next_page_token=_next_token(rows, limit, filters, lambda r: [r.version]))

    # -- learning paths -------------------------------------------------------

    async def CreateLearningPath(self, request, context):
        principal = _authorize(request.tenant_id, AUTHORING_ROLES)
        request_id, fields, steps = validate.create_path(request, principal.subject)
        tenant = request.tenant_id
        replayed = True

        async with self._transaction(context) as session:
            async def create():
                nonlocal replayed
                replayed = False
                path_id = await store.insert_path(session, tenant_id=tenant, fields=fields, steps=steps, now=utcnow())
                return svc.CreateLearningPathResponse(learning_path=await self._path(session, tenant, path_id))

            response = await run_once(session, idempotency_keys, tenant_id=tenant, request_id=request_id,
                                      method="CreateLearningPath", request=request,
                                      response_type=svc.CreateLearningPathResponse, compute=create)
            if replayed:
                path_id = response.learning_path.learning_path_id
                response.learning_path.CopyFrom(await self._path(session, tenant, path_id))
        return response

    async def GetLearningPath(self, request, context):
        _authorize(request.tenant_id, READ_ROLES)
        path_id = validate.path_id_request(request)
        async with self._transaction(context) as session:
            return svc.GetLearningPathResponse(learning_path=await self._path(session, request.tenant_id, path_id))

    async def ListLearningPaths(self, request, context):
        _authorize(request.tenant_id, READ_ROLES)
        validate.list_request(request, convert.PATH_STATUS_FILTER)
        limit = page_size(request.page_size)
        filters = filter_fingerprint("ListLearningPaths", request.tenant_id, request.status)
        after = _keyset(request.page_token, filters)
        async with self._transaction(context) as session:
            rows = await store.list_paths(session, request.tenant_id, status=convert.PATH_STATUS_FILTER.get(request.status),
                                          after=after, limit=limit + 1)
            steps = await store.path_steps(session, request.tenant_id, [r.learning_path_id for r in rows[:limit]])
        return svc.ListLearningPathsResponse(
            learning_paths=[convert.learning_path(row, steps[row.learning_path_id]) for row in rows[:limit]],
            next_page_token=_next_token(rows, limit, filters,
                                        lambda r: [r.created_at.isoformat(), r.learning_path_id]))

    async def PublishLearningPath(self, request, context):
        _authorize(request.tenant_id, AUTHORING_ROLES)
        path_id = validate.path_id_request(request)
        tenant = request.tenant_id
        async with self._transaction(context) as session:
            path = await store.get_path(session, tenant, path_id, lock=True)
            if path is None:
                raise NotFound("learning path", path_id)
            steps = (await store.path_steps(session, tenant, [path_id]))[path_id]
            targets = await store.step_targets(session, tenant, steps)
            if domain.check_path_publishable(path_id, PathStatus(path.status), targets):
                await store.publish_path(session, tenant, path_id, utcnow())
            return svc.PublishLearningPathResponse(learning_path=await self._path(session, tenant, path_id))

    # -- helpers --------------------------------------------------------------

    async def _course(self, session, tenant: str, course_id: str):
        row = await store.get_course(session, tenant, course_id)
        if row is None:
            raise NotFound("course", course_id)
        return convert.course(row)

    async def _lock_course(self, session, tenant: str, course_id: str) -> domain.CourseState:
        course = await store.lock_course(session, tenant, course_id)
        if course is None:
            raise NotFound("course", course_id)
        return course

    async def _path(self, session, tenant: str, path_id: str):
        row = await store.get_path(session, tenant, path_id)
        if row is None:
            raise NotFound("learning path", path_id)
        steps = await store.path_steps(session, tenant, [path_id])
        return convert.learning_path(row, steps[path_id])


class _Row:
    """Attribute access over a dict of just-inserted values, so convert.* serves both cases."""

    def __init__(self, values: dict) -> None:
        self.__dict__.update(values)

    @classmethod
    def maybe(cls, values: dict | None) -> _Row | None:
        return None if values is None else cls(values)
