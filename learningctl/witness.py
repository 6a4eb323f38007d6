"""A witness anyone can run: it remembers the signed checkpoints it has seen and reports any inconsistency.

For each log of a tenant (the audit log, the evidence chain) it fetches every checkpoint and the published
keys, and checks, against what it saw before (its state file, JSON):
  * invalid  - a checkpoint whose signature does not verify with a known key, or whose fields differ from its
               signed payload; a key id that now maps to another public key;
  * fork     - a checkpoint of a sequence it saw before, with another head hash; or the log's chain at a
               sequence it saw checkpointed no longer ends in that head;
  * rollback - a checkpoint it saw is gone, or the log (or its checkpoints) now ends before one it saw: the
               database was restored to an older state or its newest entries were deleted;
  * range    - the service's own verification fails (VerifyAuditLog / VerifyEvidenceChain);
  * unanchored - an evidence checkpoint that the audit log does not hold (cross-anchoring), once it is older
               than the delivery grace period.
New checkpoints and keys are added to the state only when nothing is wrong, so a forged history is never
learned. Exit status 1 when anything is reported.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from learning.common.v1 import common_pb2
from shared.checkpoints import payload as checkpoint_payload
from shared.signing import verify_signature

ANCHOR_GRACE = timedelta(minutes=5)  # how long a fresh evidence checkpoint may take to reach the audit log


@dataclass(frozen=True)
class Finding:
    kind: str  # invalid | fork | rollback | range | unanchored
    log: str
    detail: str


@dataclass(frozen=True)
class Verified:
    valid: bool
    head_sequence: int
    head_hash: str
    detail: str = ""


class LogView(Protocol):
    """What the witness asks one service about one tenant's log."""

    log: str

    def checkpoints(self) -> list[common_pb2.Checkpoint]: ...
    def keys(self) -> list[common_pb2.CheckpointKey]: ...
    def verify(self, to_sequence: int = 0) -> Verified: ...


@dataclass
class LogState:
    """What the witness saw of one log: keys by id, checkpoints by sequence."""

    keys: dict[str, str] = field(default_factory=dict)
    checkpoints: dict[int, dict] = field(default_factory=dict)  # sequence -> {head_hash, payload, signature}

    def to_json(self) -> dict:
        return {"keys": self.keys, "checkpoints": {str(k): v for k, v in sorted(self.checkpoints.items())}}

    @classmethod
    def from_json(cls, data: dict) -> LogState:
        return cls(dict(data.get("keys", {})), {int(k): v for k, v in data.get("checkpoints", {}).items()})


def _signed_correctly(checkpoint: common_pb2.Checkpoint, keys: dict[str, str]) -> bool:
    pem = keys.get(checkpoint.key_id)
    if pem is None or not verify_signature(pem, checkpoint.canonical_payload, checkpoint.signature):
        return False
    time = checkpoint.checkpoint_time.ToDatetime(tzinfo=UTC)
    return checkpoint.canonical_payload == checkpoint_payload(checkpoint.log, checkpoint.tenant_id,
                                                              checkpoint.sequence, checkpoint.head_hash, time,
                                                              checkpoint.key_id)


def check(state: LogState, view: LogView) -> tuple[list[Finding], LogState]:
    """Findings about `view` against `state`, and the state to keep when there are none."""
    log, findings = view.log, []
    keys = dict(state.keys)
    for key in view.keys():
        if key.key_id in keys and keys[key.key_id].strip() != key.public_key_pem.strip():
            findings.append(Finding("invalid", log, f"key {key.key_id} is now another public key"))
        keys.setdefault(key.key_id, key.public_key_pem)
    fetched = {c.sequence: c for c in view.checkpoints()}
    for sequence, checkpoint in sorted(fetched.items()):
        if not _signed_correctly(checkpoint, keys):
            findings.append(Finding("invalid", log, f"checkpoint {sequence}: signature or payload does not verify"))
    for sequence, seen in sorted(state.checkpoints.items()):
        now = fetched.get(sequence)
        if now is None:
            findings.append(Finding("rollback", log, f"checkpoint {sequence} (seen before) is gone"))
        elif now.head_hash != seen["head_hash"]:
            findings.append(Finding("fork", log, f"checkpoint {sequence}: head {now.head_hash[:16]}... differs from "
                                                 f"the {seen['head_hash'][:16]}... seen before"))
    verified = view.verify()
    if not verified.valid:
        findings.append(Finding("range", log, f"the service's verification fails: {verified.detail}"))
    if state.checkpoints:
        last_seen = max(state.checkpoints)
        if verified.head_sequence < last_seen:
            findings.append(Finding("rollback", log, f"the log ends at {verified.head_sequence}, before checkpoint "
                                                     f"{last_seen} seen before"))
        else:
            at = view.verify(to_sequence=last_seen)
            if at.head_hash != state.checkpoints[last_seen]["head_hash"]:
                findings.append(Finding("fork", log, f"the chain at {last_seen} no longer ends in the head of the "
                                                     "checkpoint seen before"))
    if findings:
        return findings, state
    kept = LogState(keys, dict(state.checkpoints))
    for sequence, checkpoint in fetched.items():
        kept.checkpoints.setdefault(sequence, {
            "head_hash": checkpoint.head_hash,
            "payload": base64.b64encode(checkpoint.canonical_payload).decode(),
            "signature": base64.b64encode(checkpoint.signature).decode()})
    return findings, kept


def unanchored(evidence_checkpoints: list[common_pb2.Checkpoint], anchored: dict[int, str],
               now: datetime) -> list[Finding]:
    """Evidence checkpoints the audit log does not hold (anchored: sequence -> head hash found in audit)."""
    found = []
    for checkpoint in evidence_checkpoints:
        held = anchored.get(checkpoint.sequence)
        young = now - checkpoint.checkpoint_time.ToDatetime(tzinfo=UTC) < ANCHOR_GRACE
        if held is None and not young:
            found.append(Finding("unanchored", "evidence", f"checkpoint {checkpoint.sequence} is not in the audit log"))
        elif held is not None and held != checkpoint.head_hash:
            found.append(Finding("fork", "evidence", f"checkpoint {checkpoint.sequence}: the audit log holds another "
                                                     "head"))
    return found


def load_state(path: Path) -> dict[str, LogState]:
    if not path.exists():
        return {}
    return {name: LogState.from_json(data) for name, data in json.loads(path.read_text()).items()}


def save_state(path: Path, states: dict[str, LogState]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps({name: s.to_json() for name, s in sorted(states.items())}, indent=1))
    temporary.replace(path)  # atomic: a crash never leaves half a state
