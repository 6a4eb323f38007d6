"""`learningctl token` as a subprocess: a user token signed with the development key that decodes to the tenant,
roles, subject and lifetime asked for; the `service` role and a missing key are refused. (That the services accept
such a token: tests/integration/test_learningctl.py, where verify and tail run with `$(learningctl token ...)`.)"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import jwt
import pytest

from tests.conftest import AUDIENCE, ISSUER

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def key_file(tokens, tmp_path) -> Path:
    path = tmp_path / "idp.pem"
    path.write_text(tokens.private_pem)
    return path


def learningctl(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LEARNING_DEV_")}
    return subprocess.run([sys.executable, "-m", "learningctl", *args], cwd=ROOT, env={**environ, **env},
                           capture_output=True, text=True, timeout=60)


def test_the_token_decodes_to_what_was_asked(tokens, key_file):
    subject = str(uuid.uuid4())
    done = learningctl("token", "--tenant", "acme", "--role", "auditor", "--role", "mentor", "--subject", subject,
                       "--ttl", "120", LEARNING_DEV_KEY_FILE=str(key_file), LEARNING_DEV_ISSUER=ISSUER)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1 and done.stderr == ""  # the token alone: $(learningctl token ...) works
    claims = jwt.decode(done.stdout.strip(), tokens.public_pem, algorithms=["EdDSA"], audience=AUDIENCE,
                        issuer=ISSUER)
    assert (claims["tenant_id"], claims["roles"], claims["sub"]) == ("acme", ["auditor", "mentor"], subject)
    assert claims["exp"] - claims["iat"] == 120
    assert jwt.get_unverified_header(done.stdout.strip()).get("kid") is None  # a user token, never a service's


def test_by_default_every_user_role_and_a_uuid_subject(tokens, key_file):
    done = learningctl("token", "--key-file", str(key_file), "--issuer", ISSUER)
    claims = jwt.decode(done.stdout.strip(), tokens.public_pem, algorithms=["EdDSA"], audience=AUDIENCE,
                        issuer=ISSUER)
    assert claims["tenant_id"] == "demo"
    assert sorted(claims["roles"]) == ["admin", "auditor", "author", "learner", "reviewer"]
    assert str(uuid.UUID(claims["sub"])) == claims["sub"]


def test_the_service_role_is_refused(key_file):
    done = learningctl("token", "--tenant", "acme", "--role", "auditor", "--role", "service",
                       LEARNING_DEV_KEY_FILE=str(key_file))
    assert done.returncode == 2 and done.stdout == ""
    assert "--role service is refused" in done.stderr and "service keys" in done.stderr


def test_a_malformed_role_and_a_missing_key_are_refused(key_file, tmp_path):
    bad_role = learningctl("token", "--role", "Auditor!", LEARNING_DEV_KEY_FILE=str(key_file))
    assert bad_role.returncode == 2 and "not a role: Auditor!" in bad_role.stderr
    no_key = learningctl("token", LEARNING_DEV_KEY_FILE=str(tmp_path / "absent.pem"))
    assert no_key.returncode == 2 and "make run" in no_key.stderr and no_key.stdout == ""
