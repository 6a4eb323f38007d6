"""The author's and the admin's part: courses, the learning path and the maturity rubric (found again on later
runs, see content.py), and the organization's maturity assessment (one per run)."""

from __future__ import annotations

import uuid

from learning.assessment.v1 import assessment_resources_pb2 as ares
from learning.assessment.v1 import assessment_service_pb2 as asvc
from learning.catalog.v1 import catalog_resources_pb2 as cat
from learning.catalog.v1 import catalog_service_pb2 as cat_svc
from learning.common.v1 import common_pb2
from learningctl.story.content import MARK, PATH, PATH_COURSES, RATINGS, RUBRIC, Course, CourseSpec, course_from
from learningctl.story.world import TIMEOUT, World
from learningctl.views import pages


def _create(world: World, spec: CourseSpec) -> str:
    """Create, fill and publish the course; its id. Every create carries a request id, as a retrying client must."""
    stub, md, tenant = world.catalog, world.author, world.tenant
    metadata = {MARK: spec.key, **({"topic_areas": spec.topic_areas} if spec.topic_areas else {})}
    course = stub.CreateCourse(cat_svc.CreateCourseRequest(
        tenant_id=tenant, request_id=str(uuid.uuid4()), title=spec.title, description=spec.description,
        metadata=metadata), metadata=md, timeout=TIMEOUT).course
    for module_spec in spec.modules:
        module = stub.CreateModule(cat_svc.CreateModuleRequest(
            tenant_id=tenant, request_id=str(uuid.uuid4()), course_id=course.course_id, title=module_spec.title,
            topic_area=module_spec.topic_area), metadata=md, timeout=TIMEOUT).module
        for template, rpc in [*((t, stub.CreateLesson) for t in module_spec.lessons),
                              *((t, stub.CreateQuiz) for t in module_spec.quizzes),
                              *((t, stub.CreatePracticalExercise) for t in module_spec.exercises)]:
            request = type(template)()
            request.CopyFrom(template)
            request.tenant_id, request.request_id, request.module_id = tenant, str(uuid.uuid4()), module.module_id
            rpc(request, metadata=md, timeout=TIMEOUT)
    stub.PublishCourse(cat_svc.PublishCourseRequest(tenant_id=tenant, course_id=course.course_id,
                                                    request_id=str(uuid.uuid4())), metadata=md, timeout=TIMEOUT)
    world.expect("course.published")
    world.done["courses published"] += 1
    return course.course_id


def ensure_course(world: World, spec: CourseSpec) -> Course:
    """The demo course `spec` as published in this tenant: found by its MARK, else published now."""
    stub, md = world.catalog, world.author
    published = pages(lambda r: stub.ListCourses(r, metadata=md, timeout=TIMEOUT), cat_svc.ListCoursesRequest(
        tenant_id=world.tenant, status=cat.COURSE_STATUS_PUBLISHED, page_size=500), "courses")
    course_id = next((c.course_id for c in published if c.metadata.get(MARK) == spec.key), None)
    if course_id is None:
        course_id = _create(world, spec)
    else:
        world.done["courses found"] += 1
    version = stub.GetCourseVersion(cat_svc.GetCourseVersionRequest(tenant_id=world.tenant, course_id=course_id),
                                    metadata=md, timeout=TIMEOUT).course_version  # version 0: the published one
    return course_from(spec.key, version)


def ensure_path(world: World, courses: dict[str, Course]) -> common_pb2.LearningPathVersionRef:
    """The learning path over the demo courses' current versions: found by title and steps, else published now."""
    stub, md = world.catalog, world.author
    steps = [cat.LearningPathStep(course=courses[key].ref, required=True) for key in PATH_COURSES]
    wanted = [(s.course.course_id, s.course.version) for s in steps]
    for path in pages(lambda r: stub.ListLearningPaths(r, metadata=md, timeout=TIMEOUT),
                       cat_svc.ListLearningPathsRequest(tenant_id=world.tenant, page_size=500,
                                                        status=cat.LEARNING_PATH_STATUS_PUBLISHED), "learning_paths"):
        if path.title == PATH.title and [(s.course.course_id, s.course.version) for s in path.steps] == wanted:
            world.done["learning paths found"] += 1
            return common_pb2.LearningPathVersionRef(learning_path_id=path.learning_path_id, version=path.version)
    request = cat_svc.CreateLearningPathRequest()
    request.CopyFrom(PATH)
    request.tenant_id, request.request_id = world.tenant, str(uuid.uuid4())
    request.steps.extend(steps)
    path = stub.CreateLearningPath(request, metadata=md, timeout=TIMEOUT).learning_path
    path = stub.PublishLearningPath(cat_svc.PublishLearningPathRequest(
        tenant_id=world.tenant, learning_path_id=path.learning_path_id), metadata=md, timeout=TIMEOUT).learning_path
    world.done["learning paths published"] += 1
    return common_pb2.LearningPathVersionRef(learning_path_id=path.learning_path_id, version=path.version)


def ensure_rubric(world: World) -> ares.MaturityRubric:
    stub, md = world.assessment, world.author
    for rubric in pages(lambda r: stub.ListMaturityRubrics(r, metadata=md, timeout=TIMEOUT),
                         asvc.ListMaturityRubricsRequest(tenant_id=world.tenant, page_size=500,
                                                         state=ares.MATURITY_RUBRIC_STATE_PUBLISHED), "rubrics"):
        if rubric.title == RUBRIC.title:
            world.done["maturity rubrics found"] += 1
            return rubric
    draft = stub.CreateMaturityRubric(asvc.CreateMaturityRubricRequest(
        tenant_id=world.tenant, request_id=str(uuid.uuid4()), rubric=RUBRIC), metadata=md, timeout=TIMEOUT).rubric
    rubric = stub.PublishMaturityRubric(asvc.PublishMaturityRubricRequest(
        tenant_id=world.tenant, rubric_id=draft.rubric_id, version=draft.version), metadata=md, timeout=TIMEOUT).rubric
    world.expect("maturity_rubric.published")
    world.done["maturity rubrics published"] += 1
    return rubric


def assess_maturity(world: World, rubric: ares.MaturityRubric) -> ares.MaturityAssessment:
    """The admin rates the organization: a level, and its weak dimensions become organization gaps."""
    assessment = world.assessment.SubmitMaturityAssessment(asvc.SubmitMaturityAssessmentRequest(
        tenant_id=world.tenant, request_id=str(uuid.uuid4()), rubric_id=rubric.rubric_id,
        rubric_version=rubric.version, responses=[ares.MaturityResponse(question_key=k, rating=r)
                                                  for k, r in RATINGS.items()]),
        metadata=world.admin, timeout=TIMEOUT).assessment
    world.expect("maturity_assessment.scored")
    world.done["maturity assessments"] += 1
    return assessment
