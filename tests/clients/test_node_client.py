"""Other languages, proven: a Node client (@grpc/grpc-js + @grpc/proto-loader) against the real servers.

tests/clients/node/client.mjs publishes a course, records training evidence and recomputes its SHA-256 in
Node (from the exported bytes, and from the returned body re-canonicalized per RFC 8785 in JavaScript),
verifies a certificate's Ed25519 signature with Node's crypto, and decodes google.rpc rich error details.
It asserts as it goes; this test checks what it reports against what the services hold, read from Python.

Skipped only where node or npm is absent; the npm packages are installed when node_modules lacks them
(tests/clients/conftest.py; package.json pins them and `make lint` installs the same ones).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

from google.rpc import status_pb2

from learning.catalog.v1 import catalog_resources_pb2 as catalog_res
from learning.catalog.v1 import catalog_service_pb2 as catalog_svc
from learning.evidence.v1 import evidence_service_pb2 as evidence_svc
from shared.auth import AUDITOR, AUTHOR, SERVICE

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "tests" / "clients" / "node" / "client.mjs"
# Where the google/rpc protos come from: googleapis-common-protos (a grpcio-status dependency) ships the .proto
# files next to its generated modules; the services build their rich details from the same package.
GOOGLE_PROTOS = Path(status_pb2.__file__).resolve().parents[2]


def test_node_client_publishes_records_verifies_and_decodes_errors(node_modules, tokens, tenant, catalog_server,
                                                                   evidence_server, catalog_stub, evidence_stub):
    assert (GOOGLE_PROTOS / "google" / "rpc" / "error_details.proto").exists()
    config = {
        "tenant_id": tenant, "catalog_address": catalog_server.address, "evidence_address": evidence_server.address,
        "protos_dir": str(ROOT / "protos"), "google_protos_dir": str(GOOGLE_PROTOS),
        "author_token": tokens.token(tenant, [AUTHOR], subject=str(uuid.uuid4())),
        "auditor_token": tokens.token(tenant, [AUDITOR], subject="auditor-1"),
        # Real service tokens, each signed with that service's own key: evidence accepts evidence only from
        # assessment, and certificates on observed completion only from progress.
        "assessment_token": tokens.token(tenant, [SERVICE], subject="assessment"),
        "progress_token": tokens.token(tenant, [SERVICE], subject="progress"),
    }
    run = subprocess.run([shutil.which("node"), str(CLIENT)], input=json.dumps(config), capture_output=True,
                         text=True, timeout=60, cwd=ROOT)
    assert run.returncode == 0, f"node client failed:\n{run.stderr}"
    seen = json.loads(run.stdout)

    # The course Node published, as the catalog holds it.
    course = seen["course"]
    held = catalog_stub.GetCourse(catalog_svc.GetCourseRequest(tenant_id=tenant, course_id=course["course_id"]),
                                  metadata=tokens.metadata(tenant, [AUTHOR]), timeout=5).course
    assert held.status == catalog_res.COURSE_STATUS_PUBLISHED and held.published_version == 1
    assert course["status"] == "COURSE_STATUS_PUBLISHED" and held.target_audience == "buyers and approvers"

    # The hash Node computed, two ways, is the one the evidence service stored.
    ev = seen["evidence"]
    stored = evidence_stub.ExportTrainingEvidence(
        evidence_svc.ExportTrainingEvidenceRequest(tenant_id=tenant, evidence_id=ev["evidence_id"]),
        metadata=tokens.metadata(tenant, [AUDITOR]), timeout=5)
    assert ev["recomputed_from_export"] == ev["recomputed_from_body"] == stored.content_hash
    assert ev["chain_sequence"] == str(stored.chain_sequence)  # int64 arrives in Node as a string
    assert "🎁".encode() in stored.canonical_json  # non-ASCII text was hashed as UTF-8 on both sides

    # Node's crypto verified the signature and rejected a one-bit change; the payload rebuilt in JS matched.
    cert = seen["certificate"]
    assert cert == {**cert, "signature_valid": True, "tampered_valid": False, "payload_rebuilt": True,
                    "subject": "course"}
    verdict = evidence_stub.VerifyCertificate(
        evidence_svc.VerifyCertificateRequest(tenant_id=tenant, certificate_id=cert["certificate_id"]),
        metadata=tokens.metadata(tenant, [AUDITOR]), timeout=5)
    assert verdict.valid

    # Rich error details decoded in Node: ErrorInfo with the reason's exact string, BadRequest per field.
    bad = seen["bad_request"]
    assert bad["code"] == "INVALID_ARGUMENT"
    info = next(d for d in bad["details"] if d["type"] == "google.rpc.ErrorInfo")
    assert (info["reason"], info["domain"]) == ("ERROR_REASON_INVALID_FIELD", "learning")
    request = next(d for d in bad["details"] if d["type"] == "google.rpc.BadRequest")
    assert {v["field"] for v in request["field_violations"]} >= {"title", "request_id"}
