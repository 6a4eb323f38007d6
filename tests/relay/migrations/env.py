from shared.migrations import run_alembic_env
from tests.relay.emitter import metadata

run_alembic_env(metadata)
