"""The CatalogService servicer (grpc.aio).

Per RPC: authorize the caller for the tenant (shared.auth), validate the whole request
(validate.py), then do the work in ONE unit of work bounded by the caller's deadline
and convert rows to protos (convert.py). Rules live in domain.py, SQL in store.py.
"""

from __future__ import annotations

from learning.catalog.v1 import catalog_service_pb2 as svc
from learning.catalog.v1 import catalog_service_pb2_grpc
from services.catalog import convert, domain, store, validate
from services.catalog.domain import CourseStatus, PathStatus
from shared.auth import ADMIN, ALL_ROLES, AUTHOR, SERVICE, Principal, authorize
from shared.errors import NotFound
from shared.pagination import TIME, UUID, Int, PageTokens, page_size
from shared.timeutil import utcnow
from shared.unit_of_work import UnitOfWork, UnitsOfWork
from shared.validation import required_id

AUTHORING_ROLES = frozenset({AUTHOR, ADMIN, SERVICE})
# The contract's "Roles: any": reviewers and auditors read the content they review or audit too.
READ_ROLES = ALL_ROLES
# Who may see quiz answer keys, free-text rubrics and which scenario choices are correct.
ANSWER_KEY_ROLES = AUTHORING_ROLES

COURSE_PAGES = PageTokens("ListCourses", key=(TIME, UUID))  # (created_at, course_id)
VERSION_PAGES = PageTokens("ListCourseVersions", key=(Int(1, 2**31 - 1),))  # version, newest first
PATH_PAGES = PageTokens("ListLearningPaths", key=(TIME, UUID))  # (created_at, learning_path_id)


class CatalogApi(catalog_service_pb2_grpc.CatalogServiceServicer):
    def __init__(self, work: UnitsOfWork) -> None:
        self.work = work

    # -- courses --------------------------------------------------------------

    async def CreateCourse(self, request, context):
        authorize(request.tenant_id, AUTHORING_ROLES)
        course = validate.create_course(request)
        tenant = request.tenant_id
        async with self.work(context) as uow:
            async def create():
                row = await store.insert_course(uow.session, tenant, course, utcnow())
                return svc.CreateCourseResponse(course=convert.course(row))

            once = await uow.run_once(tenant_id=tenant, request_id=course.request_id, request=request,
                                      response_type=svc.CreateCourseResponse, compute=create)
            if once.replayed:  # a retry answers with the course's current state
                once.response.course.CopyFrom(await _course(uow, tenant, once.response.course.course_id))
        return once.response

    async def GetCourse(self, request, context):
        authorize(request.tenant_id, READ_ROLES)
        course_id = required_id(request, "course_id")
        async with self.work.read(context) as uow:
            return svc.GetCourseResponse(course=await _course(uow, request.tenant_id, course_id))

    async def ListCourses(self, request, context):
        authorize(request.tenant_id, READ_ROLES)
        status = validate.list_courses(request)
        limit = page_size(request.page_size)
        scope = COURSE_PAGES.scope(request.tenant_id, request.status)
        after = COURSE_PAGES.decode(request.page_token, scope)
        async with self.work.read(context) as uow:
            rows = await store.list_courses(uow.session, request.tenant_id, status=status, after=after,
                                            limit=limit + 1)
        courses, next_token = COURSE_PAGES.page(rows, limit, scope, key=lambda r: (r.created_at, r.course_id),
                                                convert=convert.course)
        return svc.ListCoursesResponse(courses=courses, next_page_token=next_token)

    async def UpdateCourse(self, request, context):
        authorize(request.tenant_id, AUTHORING_ROLES)
        update = validate.update_course(request)
        tenant, course_id, now = request.tenant_id, update.course_id, utcnow()
        async with self.work(context) as uow:
            course = await _lock_course(uow, tenant, course_id)
            domain.check_etag(course, update.etag)
            plan = domain.plan_update(course)
            if plan.copy_from is not None:
                await store.copy_version(uow.session, tenant, course_id, plan.copy_from, plan.target_version, now)
                await store.change_course(uow.session, tenant, course_id, now=now,
                                          latest_version=plan.target_version, draft_version=plan.target_version)
            else:
                await store.change_course(uow.session, tenant, course_id, now=now)
            await store.update_version_fields(uow.session, tenant, course_id, plan.target_version, update.changes,
                                              now)
            return svc.UpdateCourseResponse(course=await _course(uow, tenant, course_id))

    async def PublishCourse(self, request, context):
        principal = authorize(request.tenant_id, AUTHORING_ROLES)
        publish = validate.publish_course(request)
        tenant = request.tenant_id
        async with self.work(context) as uow:
            once = await uow.run_once(tenant_id=tenant, request_id=publish.request_id, request=request,
                                      response_type=svc.PublishCourseResponse,
                                      compute=lambda: _publish(uow, principal, tenant, publish))
            if once.replayed:
                once.response.course.CopyFrom(await _course(uow, tenant, publish.course_id))
        return once.response

    async def ArchiveCourse(self, request, context):
        authorize(request.tenant_id, AUTHORING_ROLES)
        course_id = required_id(request, "course_id")
        tenant, now = request.tenant_id, utcnow()
        async with self.work(context) as uow:
            course = await _lock_course(uow, tenant, course_id)
            if course.status is not CourseStatus.ARCHIVED:  # archiving twice returns it unchanged
                domain.check_etag(course, request.etag)
                await store.change_course(uow.session, tenant, course_id, now=now,
                                          status=CourseStatus.ARCHIVED.value, archived_at=now)
            return svc.ArchiveCourseResponse(course=await _course(uow, tenant, course_id))

    # -- structure ------------------------------------------------------------

    async def CreateModule(self, request, context):
        authorize(request.tenant_id, AUTHORING_ROLES)
        module = validate.create_module(request)
        tenant = request.tenant_id
        async with self.work(context) as uow:
            async def create():
                now = utcnow()
                version = domain.require_open_draft(await _lock_course(uow, tenant, module.course_id))
                row = await store.insert_module(uow.session, tenant, module.course_id, version, module, now)
                await store.change_course(uow.session, tenant, module.course_id, now=now)
                created = convert.module(row)
                await _count_structure(uow, tenant, module.course_id, version, created)
                return svc.CreateModuleResponse(module=created)

            once = await uow.run_once(tenant_id=tenant, request_id=module.request_id, request=request,
                                      response_type=svc.CreateModuleResponse, compute=create)
        return once.response

    async def CreateLesson(self, request, context):
        authorize(request.tenant_id, AUTHORING_ROLES)
        lesson = validate.create_lesson(request)
        tenant = request.tenant_id
        async with self.work(context) as uow:
            async def create():
                now = utcnow()
                course_id, version = await _draft_module(uow, tenant, lesson.module_id)
                row, video, interactive = await store.insert_lesson(uow.session, tenant, course_id, version, lesson,
                                                                    now)
                await store.change_course(uow.session, tenant, course_id, now=now)
                created = convert.lesson(row, domain.VersionState.DRAFT, video, interactive, reveal_answers=True)
                await _count_structure(uow, tenant, course_id, version, created)
                return svc.CreateLessonResponse(lesson=created)

            once = await uow.run_once(tenant_id=tenant, request_id=lesson.request_id, request=request,
                                      response_type=svc.CreateLessonResponse, compute=create)
        return once.response

    async def CreateQuiz(self, request, context):
        authorize(request.tenant_id, AUTHORING_ROLES)
        quiz = validate.create_quiz(request)
        tenant = request.tenant_id
        async with self.work(context) as uow:
            async def create():
                now = utcnow()
                course_id, version = await _draft_module(uow, tenant, quiz.module_id)
                row, questions = await store.insert_quiz(uow.session, tenant, course_id, version, quiz, now)
                await store.change_course(uow.session, tenant, course_id, now=now)
                created = convert.quiz(row, questions, reveal_answers=True)
                await _count_structure(uow, tenant, course_id, version, created)
                return svc.CreateQuizResponse(quiz=created)

            once = await uow.run_once(tenant_id=tenant, request_id=quiz.request_id, request=request,
                                      response_type=svc.CreateQuizResponse, compute=create)
        return once.response

    async def CreatePracticalExercise(self, request, context):
        authorize(request.tenant_id, AUTHORING_ROLES)
        exercise = validate.create_exercise(request)
        tenant = request.tenant_id
        async with self.work(context) as uow:
            async def create():
                now = utcnow()
                course_id, version = await _draft_module(uow, tenant, exercise.module_id)
                row = await store.insert_exercise(uow.session, tenant, course_id, version, exercise, now)
                await store.change_course(uow.session, tenant, course_id, now=now)
                created = convert.exercise(row)
                await _count_structure(uow, tenant, course_id, version, created)
                return svc.CreatePracticalExerciseResponse(practical_exercise=created)

            once = await uow.run_once(tenant_id=tenant, request_id=exercise.request_id, request=request,
                                      response_type=svc.CreatePracticalExerciseResponse, compute=create)
        return once.response

    # -- versions -------------------------------------------------------------

    async def GetCourseVersion(self, request, context):
        principal = authorize(request.tenant_id, READ_ROLES)
        wanted = validate.get_course_version(request)
        tenant = request.tenant_id
        async with self.work(context) as uow:
            course = await store.get_course(uow.session, tenant, wanted.course_id)
            if course is None:
                raise NotFound("course", wanted.course_id)
            version = wanted.version or course.published_version
            snapshot = await store.load_snapshot(uow.session, tenant, wanted.course_id, version) if version else None
            if snapshot is None:
                raise NotFound("course version", domain.version_subject(wanted.course_id, wanted.version))
        return svc.GetCourseVersionResponse(
            course_version=convert.course_version(snapshot, reveal_answers=principal.has_any(ANSWER_KEY_ROLES)))

    async def ListCourseVersions(self, request, context):
        authorize(request.tenant_id, READ_ROLES)
        course_id = validate.list_course_versions(request)
        limit = page_size(request.page_size)
        scope = VERSION_PAGES.scope(request.tenant_id, course_id)
        after = VERSION_PAGES.decode(request.page_token, scope)
        async with self.work(context) as uow:
            if await store.get_course(uow.session, request.tenant_id, course_id) is None:
                raise NotFound("course", course_id)
            rows = await store.list_versions(uow.session, request.tenant_id, course_id,
                                             before=after[0] if after else None, limit=limit + 1)
        versions, next_token = VERSION_PAGES.page(rows, limit, scope, key=lambda r: (r.version,),
                                                  convert=convert.version_summary)
        return svc.ListCourseVersionsResponse(course_versions=versions, next_page_token=next_token)

    # -- learning paths -------------------------------------------------------

    async def CreateLearningPath(self, request, context):
        principal = authorize(request.tenant_id, AUTHORING_ROLES)
        path = validate.create_path(request, principal.subject)
        tenant = request.tenant_id
        async with self.work(context) as uow:
            async def create():
                path_id = await store.insert_path(uow.session, tenant, path, utcnow())
                return svc.CreateLearningPathResponse(learning_path=await _path(uow, tenant, path_id))

            once = await uow.run_once(tenant_id=tenant, request_id=path.request_id, request=request,
                                      response_type=svc.CreateLearningPathResponse, compute=create)
            if once.replayed:  # a retry answers with the path's current state
                path_id = once.response.learning_path.learning_path_id
                once.response.learning_path.CopyFrom(await _path(uow, tenant, path_id))
        return once.response

    async def GetLearningPath(self, request, context):
        authorize(request.tenant_id, READ_ROLES)
        path_id = required_id(request, "learning_path_id")
        async with self.work(context) as uow:
            return svc.GetLearningPathResponse(learning_path=await _path(uow, request.tenant_id, path_id))

    async def ListLearningPaths(self, request, context):
        authorize(request.tenant_id, READ_ROLES)
        status = validate.list_learning_paths(request)
        limit = page_size(request.page_size)
        scope = PATH_PAGES.scope(request.tenant_id, request.status)
        after = PATH_PAGES.decode(request.page_token, scope)
        async with self.work(context) as uow:
            rows = await store.list_paths(uow.session, request.tenant_id, status=status, after=after,
                                          limit=limit + 1)
            steps = await store.path_steps(uow.session, request.tenant_id, [r.learning_path_id for r in rows[:limit]])
        paths, next_token = PATH_PAGES.page(rows, limit, scope, key=lambda r: (r.created_at, r.learning_path_id),
                                            convert=lambda r: convert.learning_path(r, steps[r.learning_path_id]))
        return svc.ListLearningPathsResponse(learning_paths=paths, next_page_token=next_token)

    async def PublishLearningPath(self, request, context):
        authorize(request.tenant_id, AUTHORING_ROLES)
        path_id = required_id(request, "learning_path_id")
        tenant = request.tenant_id
        async with self.work(context) as uow:
            path = await store.get_path(uow.session, tenant, path_id, lock=True)
            if path is None:
                raise NotFound("learning path", path_id)
            steps = (await store.path_steps(uow.session, tenant, [path_id]))[path_id]
            targets = await store.step_targets(uow.session, tenant, steps)
            if domain.check_path_publishable(path_id, PathStatus(path.status), targets):
                await store.publish_path(uow.session, tenant, path_id, utcnow())
            return svc.PublishLearningPathResponse(learning_path=await _path(uow, tenant, path_id))


# -- steps shared by several RPCs ---------------------------------------------

async def _publish(uow: UnitOfWork, principal: Principal, tenant: str,
                   publish: validate.PublishInput) -> svc.PublishCourseResponse:
    now, course_id = utcnow(), publish.course_id
    course = await _lock_course(uow, tenant, course_id)
    domain.check_etag(course, publish.etag)
    domain.require_open_draft(course)
    contents = await store.module_contents(uow.session, tenant, course_id, course.draft_version)
    version = domain.check_publishable(course, contents)
    await store.publish_version(uow.session, tenant, course_id, version, published_by=principal.subject, now=now)
    await store.change_course(uow.session, tenant, course_id, now=now, status=CourseStatus.PUBLISHED.value,
                              published_version=version, draft_version=0, published_at=now)
    published = await _course(uow, tenant, course_id)
    # Same unit of work as the publication: the event exists exactly when the version does.
    await uow.audit(tenant_id=tenant, actor_id=principal.subject, action="course.published", subject_type="course",
                    subject_id=course_id, payload={"course_id": course_id, "version": version,
                                                   "title": published.title})
    return svc.PublishCourseResponse(course=published, published_version=version)


async def _count_structure(uow: UnitOfWork, tenant: str, course_id: str, version: int, element) -> None:
    """Count a new element against its version's size budget (the transaction undoes it if it does not fit).
    Its encoded size with answer keys is what the largest GetCourseVersion response carries."""
    adding = element.ByteSize() + domain.ELEMENT_OVERHEAD_BYTES
    used = await store.grow_version(uow.session, tenant, course_id, version, adding,
                                    domain.MAX_VERSION_STRUCTURE_BYTES)
    domain.check_version_room(course_id, version, used, adding)


async def _course(uow: UnitOfWork, tenant: str, course_id: str):
    row = await store.get_course(uow.session, tenant, course_id)
    if row is None:
        raise NotFound("course", course_id)
    return convert.course(row)


async def _lock_course(uow: UnitOfWork, tenant: str, course_id: str) -> domain.CourseState:
    course = await store.lock_course(uow.session, tenant, course_id)
    if course is None:
        raise NotFound("course", course_id)
    return course


async def _draft_module(uow: UnitOfWork, tenant: str, module_id: str) -> tuple[str, int]:
    """(course_id, draft version) for authoring into a module; locks the course."""
    course_id = await store.course_of_module(uow.session, tenant, module_id)
    if course_id is None:
        raise NotFound("module", module_id)
    version = domain.require_open_draft(await _lock_course(uow, tenant, course_id))
    if not await store.module_in_version(uow.session, tenant, course_id, version, module_id):
        raise NotFound("module", module_id)
    return course_id, version


async def _path(uow: UnitOfWork, tenant: str, path_id: str):
    row = await store.get_path(uow.session, tenant, path_id)
    if row is None:
        raise NotFound("learning path", path_id)
    steps = await store.path_steps(uow.session, tenant, [path_id])
    return convert.learning_path(row, steps[path_id])
