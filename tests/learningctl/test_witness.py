"""The witness's rules on plain data: signed checkpoints it has seen against what a log shows now (the real-process
rollback test is tests/integration/test_witness_and_bundle.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from learning.common.v1 import common_pb2
from learningctl.witness import LogState, Verified, check, unanchored
from shared.checkpoints import sign
from shared.signing import SigningKey
from shared.timeutil import to_timestamp

KEY = SigningKey.load("", purpose="test")
T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def checkpoint(sequence: int, head: str, key: SigningKey = KEY) -> common_pb2.Checkpoint:
    signed = sign(key, log="audit", tenant_id="acme", sequence=sequence, head_hash=head,
                  time=T0 + timedelta(seconds=sequence))
    return common_pb2.Checkpoint(log="audit", tenant_id="acme", sequence=sequence, head_hash=head,
                                 checkpoint_time=to_timestamp(signed.time), key_id=signed.key_id,
                                 canonical_payload=signed.payload, signature=signed.signature)


@dataclass
class View:
    """A log as a service would show it (the witness's LogView)."""

    shown: list[common_pb2.Checkpoint]
    heads: dict[int, str] = field(default_factory=dict)  # chain head at each sequence
    valid: bool = True
    log: str = "audit"

    def checkpoints(self):
        return self.shown

    def keys(self):
        return [common_pb2.CheckpointKey(key_id=KEY.key_id, algorithm="Ed25519", public_key_pem=KEY.public_key_pem,
                                         current=True)]

    def verify(self, to_sequence: int = 0) -> Verified:
        last = to_sequence or max(self.heads, default=0)
        return Verified(self.valid, last, self.heads.get(last, ""), "" if self.valid else "broken")


def heads(n: int, prefix: str = "a") -> dict[int, str]:
    return {i: f"{prefix}{i}".ljust(64, "0") for i in range(1, n + 1)}


def test_a_growing_history_is_consistent_and_learned():
    chain = heads(4)
    findings, state = check(LogState(), View([checkpoint(2, chain[2])], chain))
    assert findings == [] and set(state.checkpoints) == {2}
    findings, state = check(state, View([checkpoint(2, chain[2]), checkpoint(4, chain[4])], chain))
    assert findings == [] and set(state.checkpoints) == {2, 4}


def test_a_fork_a_rollback_and_a_bad_signature_are_reported_and_not_learned():
    chain = heads(4)
    _, state = check(LogState(), View([checkpoint(2, chain[2]), checkpoint(4, chain[4])], chain))
    forked = {**chain, 4: "f".ljust(64, "0")}
    findings, kept = check(state, View([checkpoint(2, chain[2]), checkpoint(4, forked[4])], forked))
    assert {f.kind for f in findings} == {"fork"} and kept is state
    findings, _ = check(state, View([checkpoint(2, chain[2])], heads(2)))
    assert {f.kind for f in findings} == {"rollback"}
    damaged = checkpoint(4, chain[4])
    damaged.signature = bytes([damaged.signature[0] ^ 1]) + damaged.signature[1:]
    findings, _ = check(state, View([checkpoint(2, chain[2]), damaged], chain))
    assert [f.kind for f in findings] == ["invalid"]
    stranger = checkpoint(4, chain[4], SigningKey.load("", purpose="test"))  # a key the service never published
    findings, _ = check(state, View([checkpoint(2, chain[2]), stranger], chain))
    assert [f.kind for f in findings] == ["invalid"]


def test_the_services_own_verification_failing_is_reported():
    chain = heads(2)
    findings, _ = check(LogState(), View([checkpoint(2, chain[2])], chain, valid=False))
    assert [f.kind for f in findings] == ["range"]


def test_evidence_checkpoints_must_reach_the_audit_log():
    old, young = checkpoint(1, "a" * 64), checkpoint(2, "b" * 64)
    now = T0 + timedelta(minutes=10)
    young.checkpoint_time.CopyFrom(to_timestamp(now - timedelta(seconds=30)))
    assert unanchored([old, young], {}, now)[0].kind == "unanchored" and len(unanchored([old, young], {}, now)) == 1
    assert unanchored([old], {1: "a" * 64}, now) == []
    assert unanchored([old], {1: "c" * 64}, now)[0].kind == "fork"
