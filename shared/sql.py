"""SQLAlchemy Core statements, executed on psycopg 3 without the SQLAlchemy engine.

Why: SQLAlchemy stays the query builder (statements are written against the `Table`s of each
service's tables.py, which Alembic and the schema-drift test also read), but its async engine runs
every statement through a greenlet bridge, its result machinery and, for a statement built per call,
its cache-key walk. Measured on this machine for one SELECT by key: ~580 µs through an
AsyncConnection, ~250 µs on psycopg directly; building a joined SELECT costs ~175 µs more. So:

- `Query(statement)`: a statement built once at import, with `bindparam("name")` placeholders,
  compiled once. The hot path only binds values: `await session.execute(GET_COURSE, tenant_id=t, ...)`.
- Any other Core statement: compiled once per shape, found again by SQLAlchemy's own cache key
  (what its engine does internally), so statements built per call (optional filters, keyset
  conditions) cost the build and the key walk but never a recompile.

`Result` offers the part of SQLAlchemy's result API the stores use (`first`, `one`, `all`,
`scalar_one`, ...); rows are psycopg named tuples (`row.course_id`, `row[0]`, `row._asdict()`).
Values: JSON/JSONB parameters are wrapped for psycopg here; uuid columns are read back as strings
(shared.db registers the loader), as `UUID(as_uuid=False)` columns promise.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import JSON
from sqlalchemy.dialects.postgresql import psycopg as psycopg_dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

#: What a statement returns: psycopg named tuples (`row.course_id`, `row[0]`, `row._asdict()`).
Row = tuple

_DIALECT = psycopg_dialect.dialect()
_CACHE_SIZE = 2000  # statement shapes; a service has a few hundred


class NoResultFound(LookupError):
    """`one()` / `scalar_one()` found no row."""


class MultipleResultsFound(LookupError):
    """`one()` / `one_or_none()` found more than one row."""


class Compiled:
    """The SQL text of one statement shape and how to turn values into psycopg parameters."""

    __slots__ = ("sql", "defaults", "json_params", "positional")

    def __init__(self, compiled: SQLCompiler) -> None:
        self.sql: str = compiled.string
        self.defaults: dict[str, Any] = dict(compiled.params)
        self.json_params = frozenset(name for name, bind in compiled.binds.items()
                                     if isinstance(bind.type, JSON))

    def parameters(self, values: Mapping[str, Any]) -> dict[str, Any]:
        params = {**self.defaults, **values} if values else dict(self.defaults)
        for name in self.json_params:
            value = params.get(name)
            if value is not None and not isinstance(value, Jsonb):
                params[name] = Jsonb(value)
        return params


class Query:
    """A statement compiled once; execute it with its bindparam values."""

    __slots__ = ("compiled", "statement")

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self.compiled = Compiled(statement.compile(dialect=_DIALECT))
        if "[POSTCOMPILE_" in self.compiled.sql:
            raise ValueError("a Query cannot hold an expanding IN list; use column == any_(array) instead")

    def __repr__(self) -> str:
        return f"Query({self.compiled.sql!r})"


_EXPANDING = (None, None)
_shapes: OrderedDict[Any, tuple[SQLCompiler, Compiled]] = OrderedDict()


def compile_statement(statement: ClauseElement, params: Mapping[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """SQL and parameters of a statement built per call (plus `params` for its bare bindparams),
    compiled once per shape."""
    key = statement._generate_cache_key()  # SQLAlchemy's own statement-cache key (None: not cacheable)
    if key is None:
        return _rendered(statement, params)
    cached = _shapes.get(key.key)
    if cached is None:
        compiled = statement.compile(dialect=_DIALECT, cache_key=key)
        # An expanding IN list: its SQL depends on the values, so such shapes are rendered per call.
        cached = _shapes[key.key] = _EXPANDING if "[POSTCOMPILE_" in compiled.string else \
            (compiled, Compiled(compiled))
        if len(_shapes) > _CACHE_SIZE:
            _shapes.popitem(last=False)
    if cached is _EXPANDING:
        return _rendered(statement, params)
    compiled, shape = cached
    return shape.sql, shape.parameters(compiled.construct_params(params, extracted_parameters=key.bindparams))


def _rendered(statement: ClauseElement, params: Mapping[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """Compiled for this call only, IN lists expanded into one parameter per value."""
    compiled = statement.compile(dialect=_DIALECT, compile_kwargs={"render_postcompile": True})
    return compiled.string, Compiled(compiled).parameters(compiled.construct_params(params))


def prepare(statement: Query | ClauseElement | str, params: Mapping[str, Any] | None) -> tuple[str, Any]:
    """(SQL, parameters) for psycopg from a Query, a Core statement or plain SQL text."""
    if isinstance(statement, Query):
        return statement.compiled.sql, statement.compiled.parameters(params or {})
    if isinstance(statement, str):
        return statement, params
    return compile_statement(statement, params)


class Result:
    """The rows of one statement (all fetched) and its row count."""

    __slots__ = ("rows", "rowcount")

    def __init__(self, rows: list, rowcount: int) -> None:
        self.rows = rows
        self.rowcount = rowcount

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def all(self) -> list:
        return self.rows

    def first(self):
        return self.rows[0] if self.rows else None

    def one_or_none(self):
        if len(self.rows) > 1:
            raise MultipleResultsFound("expected at most one row")
        return self.first()

    def one(self):
        if not self.rows:
            raise NoResultFound("expected one row, found none")
        return self.one_or_none()

    def scalar(self):
        row = self.first()
        return None if row is None else row[0]

    def scalar_one(self):
        return self.one()[0]

    def scalar_one_or_none(self):
        row = self.one_or_none()
        return None if row is None else row[0]

    def scalars(self) -> list:
        return [row[0] for row in self.rows]


def many(statement: Query | ClauseElement, rows: Sequence[Mapping[str, Any]]) -> tuple[str, list]:
    """SQL and one parameter set per row, for executemany."""
    if isinstance(statement, Query):
        compiled = statement.compiled
    else:
        compiled = Compiled(statement.compile(dialect=_DIALECT, column_keys=list(rows[0]) if rows else None))
    return compiled.sql, [compiled.parameters(row) for row in rows]
