"""The README's command-line examples, run: `buf curl` (the buf that `make lint` installs) over gRPC with
server reflection, speaking JSON as grpcurl does.

What they show a client team: both reflection versions are listed (buf asks v1 first), a request_id is made
per operation (an edited retry under the same id is ALREADY_EXISTS), and a field mask in JSON is one string
of camelCase paths ("targetAudience"), not proto names.
"""

from __future__ import annotations

import json
import subprocess
import uuid

from shared.auth import AUTHOR

GRPC = ("--protocol", "grpc", "--http2-prior-knowledge")


def _curl(node_modules, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(node_modules / ".bin" / "buf"), "curl", *GRPC, *args], capture_output=True, text=True,
                          timeout=30)


def test_buf_curl_lists_services_and_calls_with_json(node_modules, catalog_server, tokens, tenant):
    url = f"http://{catalog_server.address}"
    listed = _curl(node_modules, "--list-services", url)
    assert listed.returncode == 0, listed.stderr
    assert set(listed.stdout.split()) == {"grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                                          "grpc.reflection.v1alpha.ServerReflection",
                                          "learning.catalog.v1.CatalogService"}

    auth = ("-H", f"authorization: Bearer {tokens.token(tenant, [AUTHOR])}")
    create = f"{url}/learning.catalog.v1.CatalogService/CreateCourse"
    request_id = str(uuid.uuid4())
    first = _curl(node_modules, *auth, "-d", json.dumps({"tenantId": tenant, "title": "Supplier risk basics",
                                                         "requestId": request_id}), create)
    assert first.returncode == 0, first.stderr
    course = json.loads(first.stdout)["course"]
    # The same id with an edited request: not a retry, so refused; a new id per call is the README's advice.
    edited = _curl(node_modules, *auth, "-d", json.dumps({"tenantId": tenant, "title": "Supplier risk basics, v2",
                                                          "requestId": request_id}), create)
    assert edited.returncode != 0 and json.loads(edited.stderr)["code"] == "already_exists"

    update = f"{url}/learning.catalog.v1.CatalogService/UpdateCourse"
    body = {"tenantId": tenant, "course": {"courseId": course["courseId"], "targetAudience": "buyers"}}
    updated = _curl(node_modules, *auth, "-d", json.dumps({**body, "updateMask": "targetAudience"}), update)
    assert updated.returncode == 0, updated.stderr
    assert json.loads(updated.stdout)["course"]["targetAudience"] == "buyers"
    proto_name = _curl(node_modules, *auth, "-d", json.dumps({**body, "updateMask": "target_audience"}), update)
    assert proto_name.returncode != 0 and "invalid path" in proto_name.stderr  # refused by the JSON mapping
