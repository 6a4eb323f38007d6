"""Where the keys of service identity come from: the map service name -> public keys, and development keys.

Every service verifies service tokens against a map of service name -> Ed25519 public key(s), configured as
  <PREFIX>_SERVICE_PUBLIC_KEYS_DIR  a directory holding one `<service>.pem` per service (e.g. a mounted
                                    secret); a file may hold several PEM keys, so a rotated-out key stays
                                    trusted until the last token it signed has expired;
  <PREFIX>_SERVICE_PUBLIC_KEYS      or the same map inline, a JSON object {"<service>": "<PEM>...", ...}.
Each service signs its own tokens with its private key (<PREFIX>_JWT_PRIVATE_KEY[_FILE]); the token's kid
header is the key id of its public half (shared.signing.key_id_of). The identity provider's key, which signs
user tokens, is a different key (<PREFIX>_JWT_PUBLIC_KEY[_FILE]).

Development (`make run`, docker compose): `ensure_dev_keys(directory, services)` creates once, and keeps:
    jwt-private.pem, jwt-public.pem    the development identity provider (signs .learning/dev-token)
    services/<name>.pem                each service's public key: the SERVICE_PUBLIC_KEYS_DIR of all
    service-private/<name>.pem         each service's private key: its own JWT_PRIVATE_KEY_FILE only
    checkpoint-keys/<name>.pem         audit's and evidence's checkpoint keys (<PREFIX>_CHECKPOINT_SIGNING_KEY_FILE)
    checkpoint-trusted/<name>.pem      their retired public keys, empty at first (..._CHECKPOINT_TRUSTED_KEYS_FILE)
    certificate-keys/evidence.pem      evidence's certificate key (EVIDENCE_CERTIFICATE_SIGNING_KEY_FILE)
    python -m shared.service_keys DIRECTORY [--readable]   (compose's `keys` step: all of the above)
The Kubernetes manifests (deploy/k8s) mount their Secrets at the same paths under /keys.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from shared.auth import ALL_TENANTS, SERVICE, TokenMinter, generate_keypair
from shared.checkpoints import split_pems
from shared.services import SERVICES

ServiceKeyMap = dict[str, list[str]]  # service name -> PEM public keys


def from_directory(directory: Path) -> ServiceKeyMap:
    """{<name>: keys} of every `<name>.pem` in `directory` (other files are ignored)."""
    if not directory.is_dir():
        raise RuntimeError(f"service public keys directory {directory} does not exist")
    return {path.stem: split_pems(path.read_text()) for path in sorted(directory.glob("*.pem"))}


def from_json(text: str) -> ServiceKeyMap:
    """{<name>: keys} of an inline JSON object {"<name>": "<one or more PEMs>"}."""
    try:
        value = json.loads(text)
    except ValueError as error:
        raise RuntimeError(f"service public keys must be a JSON object: {error}") from None
    if not isinstance(value, dict) or not all(isinstance(pem, str) for pem in value.values()):
        raise RuntimeError('service public keys must be a JSON object {"<service>": "<PEM>", ...}')
    return {name: split_pems(pem) for name, pem in value.items()}


def to_json(keys: dict[str, str]) -> str:
    return json.dumps(keys, sort_keys=True)


@dataclass(frozen=True)
class DevKeyFiles:
    idp_private: Path
    idp_public: Path
    service_public_dir: Path
    service_private_dir: Path

    def private_key_of(self, service: str) -> Path:
        return self.service_private_dir / f"{service}.pem"


def ensure_dev_keys(directory: Path, services: Iterable[str] = SERVICES) -> DevKeyFiles:
    """Create (once) the development identity provider's key pair and one key pair per service."""
    files = DevKeyFiles(directory / "jwt-private.pem", directory / "jwt-public.pem", directory / "services",
                        directory / "service-private")
    for path in (directory, files.service_public_dir, files.service_private_dir):
        path.mkdir(parents=True, exist_ok=True)
    _ensure_pair(files.idp_private, files.idp_public)
    for name in services:
        _ensure_pair(files.private_key_of(name), files.service_public_dir / f"{name}.pem")
    return files


# Services that sign checkpoints of their chains, and the one that signs certificates. Kept once created: a key
# that changed at every start would leave what it signed unverifiable.
CHECKPOINT_SIGNERS = ("audit", "evidence")
CERTIFICATE_SIGNERS = ("evidence",)


def ensure_dev_signing_keys(directory: Path) -> None:
    """Create (once) the development checkpoint keys, their (empty) retired-key files and the certificate key."""
    for name in CHECKPOINT_SIGNERS:
        _ensure_private(directory / "checkpoint-keys" / f"{name}.pem")
        trusted = directory / "checkpoint-trusted" / f"{name}.pem"
        if not trusted.exists():
            trusted.parent.mkdir(parents=True, exist_ok=True)
            trusted.write_text("")  # no retired key yet; a rotation appends the old public key here
    for name in CERTIFICATE_SIGNERS:
        _ensure_private(directory / "certificate-keys" / f"{name}.pem")


def _ensure_private(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(generate_keypair()[0])
        path.chmod(0o600)


def _ensure_pair(private_path: Path, public_path: Path) -> None:
    if private_path.exists() and public_path.exists():
        return
    private_pem, public_pem = generate_keypair()
    private_path.write_text(private_pem)
    private_path.chmod(0o600)
    public_path.write_text(public_pem)



class DevIdentity:
    """Keys held in memory, for tests and benchmarks: the identity provider's pair and one pair per service.

        identity = DevIdentity(issuer="learning-test", audience="learning", services=[*SERVICES, "emitter"])
        identity.user_token("acme", ["admin"], "user-1")      # signed by the identity provider
        identity.service_token("assessment")                  # kid + assessment's own key, tenant "*"
        Settings(**identity.settings("audit"))                # or identity.env("audit", "AUDIT_")
    """

    def __init__(self, *, issuer: str, audience: str, services: Iterable[str] = SERVICES) -> None:
        self.issuer, self.audience = issuer, audience
        self.idp_private_pem, self.idp_public_pem = generate_keypair()
        self.user_minter = TokenMinter(self.idp_private_pem, issuer=issuer, audience=audience)
        self.service_pems = {name: generate_keypair() for name in services}  # name -> (private, public)
        self.service_minters = {name: TokenMinter.for_service(private, issuer=issuer, audience=audience)
                                for name, (private, _) in self.service_pems.items()}
        self.public_keys_json = to_json({name: public for name, (_, public) in self.service_pems.items()})

    def user_token(self, tenant_id: str, roles: list[str], subject: str, ttl: int = 600) -> str:
        return self.user_minter.mint(subject=subject, tenant_id=tenant_id, roles=roles, ttl_seconds=ttl)

    def service_token(self, service: str, tenant_id: str = ALL_TENANTS, ttl: int = 600) -> str:
        if service not in self.service_minters:
            raise ValueError(f"no key for service {service!r}; known: {', '.join(sorted(self.service_minters))}")
        return self.service_minters[service].mint(subject=service, tenant_id=tenant_id, roles=[SERVICE],
                                                  ttl_seconds=ttl)

    def settings(self, service: str) -> dict[str, str]:
        """ServiceSettings keyword arguments of `service`: the identity provider's public key, the service's
        own private key and the public keys of every service."""
        own = self.service_pems[service][0] if service in self.service_pems else ""
        return {"jwt_public_key": self.idp_public_pem, "jwt_private_key": own,
                "service_public_keys": self.public_keys_json, "jwt_issuer": self.issuer, "jwt_audience": self.audience}

    def env(self, service: str, prefix: str) -> dict[str, str]:
        """The same as environment variables with `prefix` (e.g. "AUDIT_"), for a service process."""
        return {prefix + key.upper(): value for key, value in self.settings(service).items()}


def main(argv: list[str]) -> None:
    """`python -m shared.service_keys DIRECTORY [--readable]`: the development keys, for docker compose.
    --readable lets the services' unprivileged user read them (development volumes only)."""
    directory = Path(argv[0])
    ensure_dev_keys(directory)
    ensure_dev_signing_keys(directory)
    if "--readable" in argv[1:]:
        for path in [directory, *directory.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)


if __name__ == "__main__":
    main(sys.argv[1:])
