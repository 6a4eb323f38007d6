"""The offline auditor bundle: every record of a tenant (and time range) as its exact canonical bytes, their
hashes and links, the signed checkpoints and the public keys, plus VERIFY.md, which checks all of it with
`sha256sum` and `openssl` (and plain sh, grep, cut) only: no code of ours is needed to trust the result.

    bundle/
      VERIFY.md
      keys/<key id>.pem                       checkpoint signing keys (audit and evidence)
      audit/records/<sequence>.json           the stored canonical JSON of each audit event
      audit/SHA256SUMS                        "<event_hash>  records/<sequence>.json"
      audit/links.txt                         "<sequence> <previous_hash or -> <event_hash>"
      audit/checkpoints/<sequence>.json|.sig  signed payload and its Ed25519 signature
      evidence/records/<sequence>.json        the stored canonical JSON of each evidence body
      evidence/SHA256SUMS                     "<content_hash>  records/<sequence>.json"
      evidence/links.txt                      "<sequence> <previous_hash or -> <content_hash> <chain_hash>"
      evidence/checkpoints/<sequence>.json|.sig
Sequences are written with 12 digits, so files sort in chain order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from learningctl.views import AuditLog, EvidenceChain

VERIFY_TEMPLATE = Path(__file__).with_name("VERIFY.md")


def _name(sequence: int) -> str:
    return f"{sequence:012d}"


@dataclass
class Written:
    audit_records: int = 0
    evidence_records: int = 0
    checkpoints: int = 0
    keys: int = 0


def write_bundle(out: Path, audit: AuditLog, evidence: EvidenceChain, *, audit_bounds: dict,
                 evidence_bounds: dict, progress=lambda what, n: None) -> Written:
    """Write the bundle into `out` (created; must be empty or absent)."""
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} is not empty")
    written = Written()
    for log in ("audit", "evidence"):
        (out / log / "records").mkdir(parents=True, exist_ok=True)
        (out / log / "checkpoints").mkdir(parents=True, exist_ok=True)
    (out / "keys").mkdir(parents=True, exist_ok=True)
    with open(out / "audit" / "SHA256SUMS", "w") as sums, open(out / "audit" / "links.txt", "w") as links:
        for record in audit.records(**audit_bounds):
            (out / "audit" / "records" / f"{_name(record.sequence)}.json").write_bytes(record.canonical_json)
            sums.write(f"{record.event_hash}  records/{_name(record.sequence)}.json\n")
            links.write(f"{_name(record.sequence)} {record.previous_hash or '-'} {record.event_hash}\n")
            written.audit_records += 1
            progress("audit", 1)
    with open(out / "evidence" / "SHA256SUMS", "w") as sums, open(out / "evidence" / "links.txt", "w") as links:
        for record in evidence.records(**evidence_bounds):
            name = _name(record.chain_sequence)
            (out / "evidence" / "records" / f"{name}.json").write_bytes(record.canonical_json)
            sums.write(f"{record.content_hash}  records/{name}.json\n")
            links.write(f"{name} {record.previous_hash or '-'} {record.content_hash} {record.chain_hash}\n")
            written.evidence_records += 1
            progress("evidence", 1)
    for view, exported in ((audit, out / "audit" / "links.txt"), (evidence, out / "evidence" / "links.txt")):
        in_range = {int(line.split()[0]) for line in exported.read_text().splitlines()}
        for checkpoint in view.checkpoints():
            if checkpoint.sequence in in_range:  # only checkpoints whose head is in the bundle can be checked
                base = out / view.log / "checkpoints" / _name(checkpoint.sequence)
                base.with_suffix(".json").write_bytes(checkpoint.canonical_payload)
                base.with_suffix(".sig").write_bytes(checkpoint.signature)
                written.checkpoints += 1
        for key in view.keys():
            (out / "keys" / f"{key.key_id}.pem").write_text(key.public_key_pem)
    written.keys = len(list((out / "keys").iterdir()))
    (out / "VERIFY.md").write_text(VERIFY_TEMPLATE.read_text())
    return written
