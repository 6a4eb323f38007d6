"""What progress reads from the catalog: the structure of published course versions, remembered for
good, and which published courses are tagged with a topic area (for automatic recommendations).

A published version never changes, so what the catalog said about it once is true for ever: it is kept
in memory (bounded, least recently used dropped) and in this service's database (`course_structures`),
so after the first event of a version the hot path makes no catalog call, and a restarted service or a
catalog outage does not matter for versions seen before. The catalog is called with this service's
own token (shared.clients) and a deadline.
"""

from __future__ import annotations

import logging
import time

import grpc

from learning.catalog.v1 import catalog_resources_pb2 as catalog_res
from learning.catalog.v1 import catalog_service_pb2 as catalog_svc
from learning.catalog.v1 import catalog_service_pb2_grpc as catalog_grpc
from services.progress import convert, domain, store
from shared.lru import LruCache
from shared.timeutil import utcnow
from shared.unit_of_work import UnitsOfWork

log = logging.getLogger("learning.progress.structures")

CATALOG_DEADLINE_SECONDS = 5.0
TOPIC_CACHE_SECONDS = 60.0  # a newly published course is recommended at most a minute later
MAX_TOPIC_PAGES = 4  # 2,000 published courses per tenant are read at most


class CatalogUnavailable(Exception):
    """The catalog did not answer: the version's structure is not known yet."""


class CourseStructures:
    def __init__(self, work: UnitsOfWork, channel: grpc.aio.Channel | None, *, size: int = 2048) -> None:
        self._work = work
        self._channel = channel
        self._catalog = catalog_grpc.CatalogServiceStub(channel) if channel is not None else None
        self._known: LruCache[tuple[str, str, int], domain.Structure] = LruCache(size)
        self._topics: LruCache[str, tuple[float, dict[str, set[str]]]] = LruCache(size)
        self._paths: LruCache[tuple[str, str, int], tuple[domain.PathStep, ...]] = LruCache(size)

    async def get(self, tenant_id: str, course_id: str, version: int) -> domain.Structure:
        """The structure of a published version; FailedPrecondition if the catalog has no such
        published version, CatalogUnavailable if it cannot be asked right now."""
        known = await self.known(tenant_id, course_id, version)
        if known is not None:
            return known
        structure = await self._ask_catalog(tenant_id, course_id, version)
        async with self._work() as uow:
            await store.save_structure(uow.session, tenant_id, course_id, version, structure.to_json(), utcnow())
        return self._known.put((tenant_id, course_id, version), structure)

    async def known(self, tenant_id: str, course_id: str, version: int) -> domain.Structure | None:
        """The structure if it is known already (memory or database), without asking the catalog."""
        key = (tenant_id, course_id, version)
        if (known := self._known.get(key)) is not None:
            return known
        async with self._work.read() as uow:
            stored = await store.get_structure(uow.session, tenant_id, course_id, version)
        return self._known.put(key, domain.Structure.from_json(stored)) if stored is not None else None

    async def _ask_catalog(self, tenant_id: str, course_id: str, version: int) -> domain.Structure:
        if self._catalog is None:
            raise CatalogUnavailable("no catalog configured")
        try:
            response = await self._catalog.GetCourseVersion(
                catalog_svc.GetCourseVersionRequest(tenant_id=tenant_id, course_id=course_id, version=version),
                timeout=CATALOG_DEADLINE_SECONDS)
        except grpc.aio.AioRpcError as error:
            if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
                raise domain.not_published(course_id, version) from None
            log.warning("catalog did not give course %s version %s: %s", course_id, version, error.code().name)
            raise CatalogUnavailable(error.code().name) from None
        if response.course_version.state != catalog_res.COURSE_VERSION_STATE_PUBLISHED:
            raise domain.not_published(course_id, version)
        return convert.structure(response.course_version)

    async def path(self, tenant_id: str, path_id: str, version: int) -> tuple[domain.PathStep, ...]:
        """The steps of a published learning path version; FailedPrecondition if the catalog has no such
        published version, CatalogUnavailable if it cannot be asked right now."""
        key = (tenant_id, path_id, version)
        if (known := self._paths.get(key)) is not None:
            return known
        async with self._work.read() as uow:
            stored = await store.get_path_steps(uow.session, tenant_id, path_id, version)
        if stored is None:
            stored = await self._ask_catalog_for_path(tenant_id, path_id, version)
            async with self._work() as uow:
                await store.save_path_steps(uow.session, tenant_id, path_id, version, stored, utcnow())
        return self._paths.put(key, tuple(domain.PathStep(course_id, course_version, required)
                                          for course_id, course_version, required in stored))

    async def _ask_catalog_for_path(self, tenant_id: str, path_id: str, version: int) -> list:
        if self._catalog is None:
            raise CatalogUnavailable("no catalog configured")
        try:
            response = await self._catalog.GetLearningPath(catalog_svc.GetLearningPathRequest(
                tenant_id=tenant_id, learning_path_id=path_id), timeout=CATALOG_DEADLINE_SECONDS)
        except grpc.aio.AioRpcError as error:
            if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
                raise domain.path_not_published(path_id, version) from None
            raise CatalogUnavailable(error.code().name) from None
        path = response.learning_path
        if path.status != catalog_res.LEARNING_PATH_STATUS_PUBLISHED or path.version != version:
            raise domain.path_not_published(path_id, version)
        return [[step.course.course_id, step.course.version, step.required] for step in path.steps]

    async def courses_for_topic(self, tenant_id: str, topic: str) -> list[str]:
        """Ids of the tenant's published courses tagged with `topic` (catalog course metadata
        "topic_areas", comma-separated); CatalogUnavailable when the catalog does not answer."""
        cached = self._topics.get(tenant_id)
        if cached is None or time.monotonic() - cached[0] > TOPIC_CACHE_SECONDS:
            cached = self._topics.put(tenant_id, (time.monotonic(), await self._published_topics(tenant_id)))
        return sorted(course for course, topics in cached[1].items() if topic in topics)

    async def _published_topics(self, tenant_id: str) -> dict[str, set[str]]:
        if self._catalog is None:
            raise CatalogUnavailable("no catalog configured")
        found, token = {}, ""
        for _ in range(MAX_TOPIC_PAGES):
            try:
                page = await self._catalog.ListCourses(catalog_svc.ListCoursesRequest(
                    tenant_id=tenant_id, status=catalog_res.COURSE_STATUS_PUBLISHED, page_size=500,
                    page_token=token), timeout=CATALOG_DEADLINE_SECONDS)
            except grpc.aio.AioRpcError as error:
                raise CatalogUnavailable(error.code().name) from None
            found.update({course.course_id: domain.topics_of(dict(course.metadata)) for course in page.courses})
            token = page.next_page_token
            if not token:
                break
        return found

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
