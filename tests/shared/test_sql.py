"""shared.sql and shared.db: Core statements compiled once and run on psycopg, against real PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid

import psycopg
import pytest
from sqlalchemy import Column, Integer, LargeBinary, MetaData, Table, Text, any_, bindparam, insert, literal, select
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.dialects.postgresql import UUID as PG_UUID

from shared.db import Database, libpq_url
from shared.sql import MultipleResultsFound, NoResultFound, Query

metadata = MetaData()
things = Table(
    "sql_test_things", metadata,
    Column("thing_id", PG_UUID(as_uuid=False), primary_key=True),
    Column("name", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("attributes", JSONB, nullable=False),
    Column("blob", LargeBinary),
)
INSERT_THING = Query(insert(things).values(thing_id=bindparam("thing_id"), name=bindparam("name"),
                                           size=bindparam("size"), attributes=bindparam("attributes"))
                     .returning(things.c.thing_id, things.c.attributes))
THING_BY_ID = Query(select(things).where(things.c.thing_id == bindparam("thing_id")))


@pytest.fixture(scope="module")
def database_url(admin_url):
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS sql_test_things")
        conn.execute("CREATE TABLE sql_test_things (thing_id uuid PRIMARY KEY, name text NOT NULL, "
                     "size integer NOT NULL, attributes jsonb NOT NULL, blob bytea)")
    yield admin_url
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        conn.execute("DROP TABLE sql_test_things")


def run(url: str, work):
    async def main():
        db = Database(url, pool_size=1, max_overflow=0)
        try:
            return await work(db)
        finally:
            await db.close()
    return asyncio.run(main())


def test_queries_bind_values_json_and_read_uuids_back_as_strings(database_url):
    thing_id = str(uuid.uuid4())

    async def work(db):
        async with db.transaction() as session:
            inserted = (await session.execute(INSERT_THING, thing_id=thing_id, name="it's 100% \\ fine", size=3,
                                              attributes={"nested": [1, {"a": None}]})).one()
        async with db.autocommit() as session:
            row = (await session.execute(THING_BY_ID, thing_id=thing_id)).one()
            # A statement built per call: literal values, an array comparison, a LIKE with a percent.
            built = select(things.c.name).where(things.c.thing_id == any_(literal([thing_id], ARRAY(things.c.thing_id.type))),
                                                things.c.name.like("%100%%"), things.c.size >= 3)
            names = (await session.execute(built)).scalars()
            in_list = (await session.execute(select(things.c.size).where(things.c.thing_id.in_([thing_id])))).scalar_one()
        return inserted, row, names, in_list

    inserted, row, names, in_list = run(database_url, work)
    assert inserted.thing_id == thing_id and isinstance(inserted.thing_id, str)
    assert row.attributes == {"nested": [1, {"a": None}]} and row.name == "it's 100% \\ fine"
    assert row._asdict()["size"] == 3 and row[0] == thing_id
    assert names == ["it's 100% \\ fine"] and in_list == 3


def test_result_shapes_and_rollback_on_error(database_url):
    first, second = str(uuid.uuid4()), str(uuid.uuid4())

    async def work(db):
        async with db.transaction() as session:
            for thing_id in (first, second):
                await session.execute(INSERT_THING, thing_id=thing_id, name="shape", size=1, attributes={})
        with pytest.raises(psycopg.errors.UniqueViolation):
            async with db.transaction() as session:
                await session.execute(INSERT_THING, thing_id=str(uuid.uuid4()), name="lost", size=1, attributes={})
                await session.execute(INSERT_THING, thing_id=first, name="duplicate", size=1, attributes={})
        async with db.autocommit() as session:
            shapes = await session.execute(select(things.c.thing_id).where(things.c.name == "shape"))
            lost = await session.execute(select(things.c.thing_id).where(things.c.name == "lost"))
        return shapes, lost

    shapes, lost = run(database_url, work)
    assert len(shapes.all()) == 2 and lost.first() is None and lost.scalar() is None
    with pytest.raises(MultipleResultsFound):
        shapes.one_or_none()
    with pytest.raises(NoResultFound):
        lost.one()


def test_at_commit_statements_travel_with_the_commit_and_quote_any_bytes(database_url):
    thing_id, blob = str(uuid.uuid4()), bytes(range(256)) + b"'; DROP TABLE sql_test_things; --"
    set_blob = Query(things.update().where(things.c.thing_id == bindparam("thing_id")).values(blob=bindparam("blob")))

    async def work(db):
        async with db.transaction() as session:
            await session.execute(INSERT_THING, thing_id=thing_id, name="blob", size=1, attributes={})
            session.at_commit(set_blob, thing_id=thing_id, blob=blob)
            before = (await session.execute(THING_BY_ID, thing_id=thing_id)).one().blob
        async with db.autocommit() as session:
            with pytest.raises(RuntimeError):
                session.at_commit(set_blob, thing_id=thing_id, blob=b"")
            return before, (await session.execute(THING_BY_ID, thing_id=thing_id)).one().blob

    before, after = run(database_url, work)
    assert before is None and after == blob


def test_a_query_refuses_an_expanding_in_list():
    with pytest.raises(ValueError):
        Query(select(things).where(things.c.thing_id.in_(bindparam("ids", expanding=True))))
