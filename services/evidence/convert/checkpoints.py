"""Signed checkpoints, their keys and exported records -> protos; a checkpoint's audit copy; the verification
answer."""

from __future__ import annotations

import base64

from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_service_pb2 as spb
from services.evidence.convert.training_evidence import problem
from services.evidence.domain import ChainPass, Problem
from shared.checkpoints import Checkpoint, TrustedKeys
from shared.signing import ALGORITHM
from shared.sql import Row
from shared.timeutil import format_datetime_millis, to_timestamp


def checkpoint(c: Checkpoint) -> common_pb2.Checkpoint:
    return common_pb2.Checkpoint(log=c.log, tenant_id=c.tenant_id, sequence=c.sequence, head_hash=c.head_hash,
                                 checkpoint_time=to_timestamp(c.time), key_id=c.key_id, canonical_payload=c.payload,
                                 signature=c.signature)


def keys(trusted: TrustedKeys) -> list[common_pb2.CheckpointKey]:
    """The current key first, then the retired ones still trusted."""
    return [common_pb2.CheckpointKey(key_id=key_id, algorithm=ALGORITHM, public_key_pem=pem,
                                     current=key_id == trusted.current.key_id)
            for key_id, pem in trusted.pems.items()]


def audit_payload(c: Checkpoint) -> dict:
    """What the audit log keeps of a checkpoint: what it states, plus the signed bytes and the signature
    (base64), so the copy in the audit log can be checked with the published key alone."""
    return {"log": c.log, "sequence": c.sequence, "head_hash": c.head_hash, "key_id": c.key_id,
            "time": format_datetime_millis(c.time), "canonical_payload": base64.b64encode(c.payload).decode(),
            "signature": base64.b64encode(c.signature).decode()}


def exported(row: Row) -> spb.ExportEvidenceRecordsResponse:
    return spb.ExportEvidenceRecordsResponse(
        evidence_id=str(row.evidence_id), chain_sequence=row.chain_sequence, canonical_json=bytes(row.canonical_json),
        content_hash=row.content_hash, previous_hash=row.previous_hash, chain_hash=row.chain_hash)


def verification(chain: ChainPass, failure: Problem | None, content_checked: int) -> spb.VerifyEvidenceChainResponse:
    return spb.VerifyEvidenceChainResponse(
        valid=failure is None, records_checked=chain.checked, head_chain_hash=chain.head_hash,
        head_sequence=chain.head_sequence, checkpoints_checked=chain.checkpoints_checked,
        records_content_checked=content_checked, first_failure=problem(failure) if failure else None)
