"""The issue's acceptance scenario: create, publish, revise into version 2, publish again;
both versions read back complete, and version 1 is byte-for-byte what it was."""

from __future__ import annotations

from learning.catalog.v1 import catalog_resources_pb2 as res


def build_course(catalog):
    course = catalog.course("Ethical procurement", description="Basics", objectives=["Spot red flags"],
                            target_audience="buyers", metadata={"source": "seed-000"})
    first = catalog.module(course.course_id, "Foundations")
    second = catalog.module(course.course_id, "Practice")
    video = catalog.video_lesson(first.module_id, "Welcome video")
    scenario = catalog.interactive_lesson(first.module_id, "Gift scenario")
    quiz = catalog.quiz(second.module_id, "Check yourself")
    exercise = catalog.exercise(second.module_id, "Write an RFP")
    return course, (first, second), (video, scenario, quiz, exercise)


def test_course_published_revised_and_published_again_keeps_both_versions(catalog):
    course, (first, second), (video, scenario, quiz, exercise) = build_course(catalog)
    published = catalog.publish(course.course_id)
    assert published.published_version == 1
    assert published.course.status == res.COURSE_STATUS_PUBLISHED
    v1_before = catalog.version(course.course_id, 1)

    # Revision: UpdateCourse opens version 2 as a copy with the same element ids.
    revised = catalog.update(course.course_id, ["title", "objectives"], title="Ethical procurement II",
                             objectives=["Spot red flags", "Escalate"])
    assert (revised.latest_version, revised.draft_version, revised.published_version) == (2, 2, 1)
    draft = catalog.version(course.course_id, 2)
    assert draft.state == res.COURSE_VERSION_STATE_DRAFT
    assert [m.module_id for m in draft.modules] == [first.module_id, second.module_id]
    assert [lesson.lesson_id for lesson in draft.modules[0].lessons] == [video.lesson_id, scenario.lesson_id]
    assert draft.modules[1].quizzes[0].quiz_id == quiz.quiz_id
    assert ([q.question_id for q in draft.modules[1].quizzes[0].questions]
            == [q.question_id for q in quiz.questions])
    assert draft.modules[1].practical_exercises[0].exercise_id == exercise.exercise_id

    # Change the draft's structure, then publish version 2.
    added_module = catalog.module(course.course_id, "Advanced")
    added_lesson = catalog.video_lesson(second.module_id, "Extra video")
    catalog.exercise(added_module.module_id, "Case study")
    second_publication = catalog.publish(course.course_id)
    assert second_publication.published_version == 2
    course_now = catalog.get(course.course_id)
    assert (course_now.latest_version, course_now.published_version, course_now.draft_version) == (2, 2, 0)

    v1_after = catalog.version(course.course_id, 1)
    assert v1_after == v1_before  # the published version never changed
    assert v1_after.title == "Ethical procurement"
    assert len(v1_after.modules) == 2
    assert [len(m.lessons) for m in v1_after.modules] == [2, 0]
    assert [len(m.quizzes) for m in v1_after.modules] == [0, 1]
    assert [len(m.practical_exercises) for m in v1_after.modules] == [0, 1]
    first_v1 = v1_after.modules[0]
    assert first_v1.lessons[0].video.media_uri == video.video.media_uri
    assert first_v1.lessons[0].video.duration.seconds == 315
    assert len(first_v1.lessons[0].video.captions) == 2
    assert first_v1.lessons[1].interactive == scenario.interactive
    assert v1_after.modules[1].quizzes[0].questions[0].multiple_choice.correct_keys == ["a", "c"]
    assert v1_after.modules[1].practical_exercises[0].review_requirements.min_reviewers == 2

    v2 = catalog.version(course.course_id, 2)
    assert v2.state == res.COURSE_VERSION_STATE_PUBLISHED
    assert v2.title == "Ethical procurement II"
    assert list(v2.objectives) == ["Spot red flags", "Escalate"]
    assert [m.module_id for m in v2.modules] == [first.module_id, second.module_id, added_module.module_id]
    assert [lesson.lesson_id for lesson in v2.modules[1].lessons] == [added_lesson.lesson_id]
    assert all(lesson.status == res.LESSON_STATUS_PUBLISHED for m in v2.modules for lesson in m.lessons)
    assert v2.modules[2].practical_exercises[0].title == "Case study"
    assert catalog.version(course.course_id, 0) == v2  # 0 = latest published
    # Version 1's elements, as copied, are identical in version 2 except for the version number.
    copied = v2.modules[0].lessons[1]
    assert copied.interactive == scenario.interactive and copied.version == 2 and scenario.version == 1


def test_publication_writes_one_audit_event_in_the_outbox(catalog, catalog_owner_sql):
    course = catalog.published_course("Audited course")
    rows = catalog_owner_sql.execute("SELECT message_type, message FROM outbox WHERE tenant_id = %s",
                                     (catalog.tenant,)).fetchall()
    assert len(rows) == 1
    from learning.audit.v1 import audit_service_pb2

    event = audit_service_pb2.AuditEvent.FromString(rows[0][1])
    assert rows[0][0] == "learning.audit.v1.AuditEvent"
    assert (event.action, event.subject_type, event.subject_id, event.source_service) == (
        "course.published", "course", course.course_id, "catalog")
    assert event.tenant_id == catalog.tenant
    assert event.payload["version"] == 1 and event.payload["course_id"] == course.course_id
    assert event.payload["title"] == "Audited course"
