"""Database errors are logged with their stack (shared.request_path); they must not carry bound values."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from sqlalchemy import text  # a Core text clause, bound like every statement

from shared.db import Database


def test_database_error_text_does_not_include_bound_values(admin_url):
    secret = "learner-free-text-answer-7f3a"

    async def failing_statement() -> str:
        db = Database(admin_url)
        try:
            with pytest.raises(psycopg.Error) as caught:
                async with db.transaction() as session:
                    await session.execute(text("SELECT CAST(:answer AS text), 1 / 0"), {"answer": secret})
            return str(caught.value)
        finally:
            await db.close()

    message = asyncio.run(failing_statement())
    assert "division by zero" in message  # the error itself is still described
    assert secret not in message
