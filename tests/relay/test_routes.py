"""Routes are data (shared/outbox.Route): a route that does not batch is delivered one call per row,
by the same relay machine, and a target that is down costs one failed call, not one per row."""

from __future__ import annotations

import uuid

from learning.audit.v1 import audit_service_pb2 as pb
from shared.db import Database
from shared.outbox import Route, enqueue
from shared.outbox_relay import outbox_relay
from tests.audit.conftest import make_event
from tests.relay.conftest import RelayThread, audit_counts, outbox_state, relay_settings, wait_until
from tests.relay.emitter import outbox
from tests.support.processes import free_port

# The whole RecordEventsRequest is the outbox message: one RPC per row, no batching.
ONE_REQUEST_PER_ROW = Route(destination="audit-requests", service="audit",
                            method="/learning.audit.v1.AuditService/RecordEvents",
                            message_type=pb.RecordEventsRequest, request_type=pb.RecordEventsRequest,
                            response_type=pb.RecordEventsResponse)


def _enqueue_requests(emitter_db, tenant: str, count: int) -> None:
    import asyncio

    async def run() -> None:
        database = Database(emitter_db.runtime_url, pool_size=1)
        try:
            async with database.transaction() as session:
                for _ in range(count):
                    request = pb.RecordEventsRequest(events=[make_event(tenant, source_service="emitter")])
                    await enqueue(session, outbox, ONE_REQUEST_PER_ROW, tenant_id=tenant, message=request,
                                  event_id=str(uuid.uuid4()))
        finally:
            await database.close()

    asyncio.run(run())


def _relay(settings, database):
    return outbox_relay(settings, database, outbox, [ONE_REQUEST_PER_ROW])


def test_an_unbatched_route_delivers_each_row_with_its_own_call(clean_outbox, audit_db, audit_server, tokens, tenant):
    _enqueue_requests(clean_outbox, tenant, 7)
    with RelayThread(relay_settings(clean_outbox, tokens, audit_server.address), _relay):
        wait_until(lambda: outbox_state(clean_outbox)[1] == 0, 30, "backlog drained")
    assert audit_counts(audit_db, tenant) == (7, 7)


def test_a_down_target_fails_the_batch_once_and_all_of_it_backs_off(clean_outbox, tokens, tenant):
    _enqueue_requests(clean_outbox, tenant, 5)
    settings = relay_settings(clean_outbox, tokens, f"127.0.0.1:{free_port()}", outbox_max_backoff_seconds=60.0)
    with RelayThread(settings, _relay) as relay:
        wait_until(lambda: outbox_state(clean_outbox)[2] == 5, 30, "every row marked failed")
        assert relay.backlog()["audit-requests"].pending == 5
    rows, pending, failed = outbox_state(clean_outbox)
    assert (rows, pending, failed) == (5, 5, 5)
