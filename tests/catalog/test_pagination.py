"""Keyset pagination: stable order, filters bound to tokens, nothing skipped or repeated
while other clients insert rows concurrently."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

from learning.catalog.v1 import catalog_resources_pb2 as res
from learning.catalog.v1 import catalog_service_pb2 as svc
from tests.support.rpc import field_violations


def page_through(stub, make_request, items_of, md, page_size):
    seen, token, pages = [], "", 0
    while True:
        response = stub(make_request(page_size, token), metadata=md)
        seen += items_of(response)
        pages += 1
        token = response.next_page_token
        if not token:
            return seen, pages


def test_courses_page_without_gaps_or_repeats_under_concurrent_inserts(catalog):
    with ThreadPoolExecutor(8) as pool:
        existing = list(pool.map(lambda i: catalog.course(f"existing {i}").course_id, range(40)))
    stop = threading.Event()
    inserted: list[str] = []

    def writer():
        while not stop.is_set():
            inserted.append(catalog.course("concurrent").course_id)

    writers = [threading.Thread(target=writer) for _ in range(3)]
    for thread in writers:
        thread.start()
    try:
        seen, pages = page_through(
            catalog.stub.ListCourses,
            lambda size, token: svc.ListCoursesRequest(tenant_id=catalog.tenant, page_size=size, page_token=token),
            lambda response: [c.course_id for c in response.courses], catalog.md, page_size=4)
    finally:
        stop.set()
        for thread in writers:
            thread.join()
    assert inserted, "writers must have run during paging"
    assert pages >= 10
    assert len(seen) == len(set(seen)), "no course may appear twice"
    assert set(existing) <= set(seen), "every course that existed before paging must appear"
    assert set(seen) <= set(existing) | set(inserted)
    # The whole listing is ordered by (create_time, course_id).
    everything = catalog.stub.ListCourses(svc.ListCoursesRequest(tenant_id=catalog.tenant, page_size=500),
                                          metadata=catalog.md).courses
    keys = [(c.create_time.ToDatetime(), c.course_id) for c in everything]
    assert keys == sorted(keys)


def test_learning_paths_page_with_status_filter(catalog):
    owner = str(uuid.uuid4())
    ids = [catalog.stub.CreateLearningPath(svc.CreateLearningPathRequest(
        tenant_id=catalog.tenant, title=f"path {i}", owner_id=owner), metadata=catalog.md).learning_path.learning_path_id
        for i in range(7)]
    seen, pages = page_through(
        catalog.stub.ListLearningPaths,
        lambda size, token: svc.ListLearningPathsRequest(tenant_id=catalog.tenant, page_size=size, page_token=token,
                                                         status=res.LEARNING_PATH_STATUS_DRAFT),
        lambda response: [p.learning_path_id for p in response.learning_paths], catalog.md, page_size=3)
    assert seen == ids and pages == 3


def test_page_size_rules_and_token_misuse(catalog):
    for _ in range(3):
        catalog.course()
    default = catalog.stub.ListCourses(svc.ListCoursesRequest(tenant_id=catalog.tenant), metadata=catalog.md)
    assert len(default.courses) == 3 and default.next_page_token == ""
    huge = catalog.stub.ListCourses(svc.ListCoursesRequest(tenant_id=catalog.tenant, page_size=10_000),
                                    metadata=catalog.md)
    assert len(huge.courses) == 3
    first = catalog.stub.ListCourses(svc.ListCoursesRequest(tenant_id=catalog.tenant, page_size=1),
                                     metadata=catalog.md)
    assert first.next_page_token

    bad_requests = {
        "negative size": svc.ListCoursesRequest(tenant_id=catalog.tenant, page_size=-1),
        "forged token": svc.ListCoursesRequest(tenant_id=catalog.tenant, page_token="not-a-token"),
        "other filter": svc.ListCoursesRequest(tenant_id=catalog.tenant, page_token=first.next_page_token,
                                               status=res.COURSE_STATUS_DRAFT),
        "unknown status": svc.ListCoursesRequest(tenant_id=catalog.tenant, status=42),
    }
    expected_field = {"negative size": "page_size", "forged token": "page_token", "other filter": "page_token",
                      "unknown status": "status"}
    for name, request in bad_requests.items():
        with pytest.raises(grpc.RpcError) as caught:
            catalog.stub.ListCourses(request, metadata=catalog.md)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, name
        assert expected_field[name] in field_violations(caught.value), name
    # A course list token is no path list token.
    with pytest.raises(grpc.RpcError) as caught:
        catalog.stub.ListLearningPaths(svc.ListLearningPathsRequest(tenant_id=catalog.tenant,
                                                                    page_token=first.next_page_token),
                                       metadata=catalog.md)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def forged_token(method: str, tenant: str, filters: tuple, key: list, render=str) -> str:
    """A token in the format the service issues, for the right method, tenant and filters, whose key
    parts are whatever `render` writes (no type checks on the way in)."""
    from shared.pagination import KeyPart, PageTokens

    codec = PageTokens(method, key=(KeyPart("forged", render, str),) * len(key))
    return codec.encode(key, codec.scope(tenant, *filters))


def test_forged_tokens_with_the_right_filters_but_bad_keys_are_invalid(catalog):
    import json

    course = catalog.course()
    forged_courses = [["yesterday", course.course_id], ["2026-01-01T00:00:00+00:00", "nope"], [1, 2],
                      ["2026-01-01T00:00:00", course.course_id]]
    for key in forged_courses:
        with pytest.raises(grpc.RpcError) as caught:
            catalog.stub.ListCourses(svc.ListCoursesRequest(
                tenant_id=catalog.tenant, page_token=forged_token("ListCourses", catalog.tenant, (0,), key)),
                metadata=catalog.md)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, key
    for key in ([True], ["3"], [0], [2**40], [None]):  # written as JSON: "3" is a string, not a version
        with pytest.raises(grpc.RpcError) as caught:
            catalog.stub.ListCourseVersions(svc.ListCourseVersionsRequest(
                tenant_id=catalog.tenant, course_id=course.course_id,
                page_token=forged_token("ListCourseVersions", catalog.tenant, (course.course_id,), key,
                                        render=json.dumps)), metadata=catalog.md)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, key
    # A well-formed token from the same filters is accepted.
    ok = catalog.stub.ListCourses(svc.ListCoursesRequest(
        tenant_id=catalog.tenant,
        page_token=forged_token("ListCourses", catalog.tenant, (0,), ["2000-01-01T00:00:00+00:00", course.course_id])),
        metadata=catalog.md)
    assert [c.course_id for c in ok.courses] == [course.course_id]
