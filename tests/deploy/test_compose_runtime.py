"""What compose (and Kubernetes, which sets the same variables and paths) really gives a service: the keys step
writes every key the services are pointed at, kept across runs, and a service process started with exactly
compose's environment serves, answers the probes, and signs checkpoints with the mounted key, not an
ephemeral one. Liveness stays SERVING while the database is unreachable; readiness does not."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import grpc
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from grpc_health.v1 import health_pb2, health_pb2_grpc

from learning.evidence.v1 import evidence_service_pb2 as spb
from learning.evidence.v1 import evidence_service_pb2_grpc as sgrpc
from scripts import gen_k8s
from shared.auth import AUDITOR, TokenMinter, TokenVerifier
from shared.db import Database
from shared.server import LIVENESS, ServiceHost
from shared.services import SERVICES
from shared.signing import SigningKey
from tests.deploy.conftest import ROOT
from tests.support.processes import ServiceProcess, free_port


def _keys_step(directory: Path) -> None:
    """compose's `keys` one-off: python -m shared.service_keys /keys --readable."""
    subprocess.run([sys.executable, "-m", "shared.service_keys", str(directory), "--readable"], cwd=ROOT,
                   check=True, timeout=60)


def _local(path: str, keys: Path) -> Path:
    return keys / path.removeprefix(gen_k8s.KEYS + "/")


def test_the_keys_step_writes_every_key_the_services_are_pointed_at(tmp_path):
    _keys_step(tmp_path)
    before = {path: path.read_bytes() for path in tmp_path.rglob("*.pem")}
    for name, info in SERVICES.items():
        for setting, path in gen_k8s.key_files(info).items():
            assert _local(path, tmp_path).exists(), f"{info.prefix}{setting} -> {path}"
    signing = [_local(gen_k8s.key_files(SERVICES[name])[setting], tmp_path) for name, setting in
               (("audit", "CHECKPOINT_SIGNING_KEY_FILE"), ("evidence", "CHECKPOINT_SIGNING_KEY_FILE"),
                ("evidence", "CERTIFICATE_SIGNING_KEY_FILE"))]
    keys = [load_pem_private_key(path.read_bytes(), password=None) for path in signing]
    assert all(isinstance(key, Ed25519PrivateKey) for key in keys)
    assert len({SigningKey.from_private(key).key_id for key in keys}) == 3, "a key of its own for each purpose"
    assert _local(gen_k8s.key_files(SERVICES["audit"])["CHECKPOINT_TRUSTED_KEYS_FILE"], tmp_path).read_text() == ""
    _keys_step(tmp_path)  # the next `docker compose up`
    assert {path: path.read_bytes() for path in tmp_path.rglob("*.pem")} == before, "keys are kept, not renewed"


def test_evidence_serves_on_composes_environment_with_the_mounted_keys(tmp_path, compose, evidence_db):
    _keys_step(tmp_path)
    info = SERVICES["evidence"]
    env = {variable: str(value).replace(gen_k8s.KEYS + "/", f"{tmp_path}/").replace(gen_k8s.KEYS, str(tmp_path))
           for variable, value in compose["evidence"]["environment"].items()}
    env.update({f"{info.prefix}DATABASE_URL": evidence_db.runtime_url,
                f"{info.prefix}LISTEN_ADDRESS": f"127.0.0.1:{free_port()}",
                f"{info.prefix}METRICS_ADDRESS": f"127.0.0.1:{free_port()}",
                f"{info.prefix}AUDIT_ADDRESS": f"127.0.0.1:{free_port()}",  # audit is not needed to serve
                f"{info.prefix}SHUTDOWN_GRACE_SECONDS": "1"})
    with ServiceProcess.service("evidence", env) as evidence:
        evidence.start()
        port = evidence.address.rsplit(":", 1)[1]
        # compose's healthcheck, word for word but for the port (and this environment's python).
        python, *arguments = compose["evidence"]["healthcheck"]["test"][1:]
        check = [sys.executable if python == "python" else python,
                 *(part.replace(f":{info.port}", f":{port}") for part in arguments)]
        assert subprocess.run(check, cwd=ROOT, timeout=30).returncode == 0
        assert evidence.healthy(LIVENESS)
        idp = (tmp_path / "jwt-private.pem").read_text()
        token = TokenMinter(idp, issuer=env["EVIDENCE_JWT_ISSUER"], audience=env["EVIDENCE_JWT_AUDIENCE"]).mint(
            subject="auditor-1", tenant_id="acme", roles=[AUDITOR], ttl_seconds=60)
        with grpc.insecure_channel(evidence.address) as channel:
            keys = sgrpc.EvidenceServiceStub(channel).GetEvidenceCheckpointKeys(
                spb.GetEvidenceCheckpointKeysRequest(tenant_id="acme"),
                metadata=[("authorization", f"Bearer {token}")], timeout=10).keys
        mounted = SigningKey.load((tmp_path / "checkpoint-keys" / "evidence.pem").read_text(), purpose="test")
        assert [(k.key_id, k.current) for k in keys] == [(mounted.key_id, True)]
        assert "ephemeral" not in evidence.stderr_tail(200)
        assert evidence.stop() == 0


async def test_liveness_stays_serving_while_the_database_is_unreachable(tokens):
    database = Database(f"postgresql://nobody@127.0.0.1:{free_port()}/nothing")  # nothing listens there
    host = ServiceHost(name="probe", service_names=["learning.catalog.v1.CatalogService"], register=lambda s: None,
                       verifier=TokenVerifier(tokens.idp_public_pem, issuer="x", audience="y"), database=database,
                       listen_address="127.0.0.1:0", db_check_seconds=0.05, grace_seconds=0.5)
    await host.start()
    try:
        async with grpc.aio.insecure_channel(host.address) as channel:
            health = health_pb2_grpc.HealthStub(channel)

            async def status(service: str) -> int:
                return (await health.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)).status

            for _ in range(200):  # the watch notices the unreachable database within a few checks
                if await status("learning.catalog.v1.CatalogService") == health_pb2.HealthCheckResponse.NOT_SERVING:
                    break
                await asyncio.sleep(0.05)
            assert await status("") == health_pb2.HealthCheckResponse.NOT_SERVING  # readiness: no traffic
            assert await status(LIVENESS) == health_pb2.HealthCheckResponse.SERVING  # but no restart
    finally:
        await host.stop()
        await database.close()
