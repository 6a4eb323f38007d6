"""Who may make evidence: training evidence only from the assessment service, certificates from progress, and an
admin's certificate only as a visibly manual award (issue 11: an admin must not fabricate that someone trained)."""

from __future__ import annotations

import json
import uuid

import grpc
import pytest
from cryptography.hazmat.primitives import serialization

from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_resources_pb2 as pb
from learning.evidence.v1 import evidence_service_pb2 as spb
from services.evidence import domain
from tests.evidence import builders
from tests.evidence.test_certificates import audit_events


def _refused(call, request, metadata) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as error:
        call(request, metadata=metadata)
    return error.value.code()


def _issue_request(tenant: str) -> spb.IssueCertificateRequest:
    return spb.IssueCertificateRequest(
        tenant_id=tenant, request_id=str(uuid.uuid4()), recipient_id=str(uuid.uuid4()),
        course=common_pb2.CourseVersionRef(course_id=str(uuid.uuid4()), version=2))


def test_an_admin_cannot_record_training_evidence(evidence_stub, tokens, tenant, evidence_owner_sql):
    request = builders.request(tenant, modules=1, questions=1)
    for roles in (["admin"], ["admin", "auditor", "author", "reviewer", "learner"]):
        md = tokens.metadata(tenant, roles, subject="admin-1")
        assert _refused(evidence_stub.RecordTrainingEvidence, request, md) == grpc.StatusCode.PERMISSION_DENIED
    assert evidence_owner_sql.execute("SELECT count(*) FROM training_evidence WHERE tenant_id = %s",
                                      (tenant,)).fetchone()[0] == 0


@pytest.mark.parametrize("roles", [["service"], ["service", "admin"]])
def test_a_user_token_claiming_the_service_role_is_not_a_service(evidence_stub, tokens, tenant, roles,
                                                                  evidence_owner_sql):
    for scope in (tenant, "*"):
        # Named like the services whose RPCs it tries: the subject claim gives no identity either.
        as_assessment = tokens.user_claiming_service_metadata(scope, subject="assessment", roles=roles)
        assert _refused(evidence_stub.RecordTrainingEvidence, builders.request(tenant, modules=1, questions=1),
                        as_assessment) == grpc.StatusCode.PERMISSION_DENIED
    as_progress = tokens.user_claiming_service_metadata("*", subject="progress", roles=["service"])
    assert _refused(evidence_stub.IssueCertificate, _issue_request(tenant), as_progress) == \
        grpc.StatusCode.PERMISSION_DENIED
    assert evidence_owner_sql.execute("SELECT count(*) FROM certificates WHERE tenant_id = %s",
                                      (tenant,)).fetchone()[0] == 0


def test_a_user_token_with_service_and_admin_claims_issues_only_a_manual_award(evidence_stub, tokens, tenant):
    md = tokens.user_claiming_service_metadata(tenant, subject="progress", roles=["service", "admin"])
    assert evidence_stub.IssueCertificate(_issue_request(tenant), metadata=md).certificate.manual_award


def test_only_the_assessment_service_records_and_only_progress_issues(evidence_stub, tokens, tenant):
    for service in ("catalog", "progress", "audit", "evidence", "emitter"):
        md = tokens.metadata(tenant, ["service"], subject=service)
        assert _refused(evidence_stub.RecordTrainingEvidence, builders.request(tenant, modules=1, questions=1),
                        md) == grpc.StatusCode.PERMISSION_DENIED
    for service in ("catalog", "assessment", "audit", "evidence", "emitter"):
        md = tokens.metadata(tenant, ["service"], subject=service)
        assert _refused(evidence_stub.IssueCertificate, _issue_request(tenant), md) == \
            grpc.StatusCode.PERMISSION_DENIED
    assessment = tokens.metadata("*", ["service"], subject="assessment")
    assert evidence_stub.RecordTrainingEvidence(builders.request(tenant, modules=1, questions=1),
                                                metadata=assessment).created


def test_a_manual_award_is_marked_in_certificate_payload_and_audit_event(evidence_stub, admin_md, progress_md,
                                                                          tenant, evidence_owner_sql):
    response = evidence_stub.IssueCertificate(_issue_request(tenant), metadata=admin_md)
    manual = response.certificate
    assert response.created and manual.manual_award
    payload = json.loads(manual.canonical_payload)
    assert payload["awardKind"] == "manual"  # under the signature: the mark cannot be stripped unnoticed
    keys = evidence_stub.GetSigningKeys(spb.GetSigningKeysRequest(tenant_id=tenant), metadata=admin_md).signing_keys
    key = next(k for k in keys if k.key_id == manual.signing_key_id)
    serialization.load_pem_public_key(key.public_key_pem.encode()).verify(manual.signature, manual.canonical_payload)
    [issued] = audit_events(evidence_owner_sql, tenant, manual.certificate_id)
    assert issued.action == "certificate.issued" and issued.actor_id == "admin-1"
    assert issued.payload["manual_award"] is True
    # Read back, listed and verified, it stays marked; a certificate progress issued is not.
    got = evidence_stub.GetCertificate(spb.GetCertificateRequest(tenant_id=tenant,
                                                                 certificate_id=manual.certificate_id),
                                       metadata=admin_md).certificate
    observed = evidence_stub.IssueCertificate(_issue_request(tenant), metadata=progress_md).certificate
    listed = {c.certificate_id: c.manual_award for c in evidence_stub.ListCertificates(
        spb.ListCertificatesRequest(tenant_id=tenant), metadata=admin_md).certificates}
    assert got.manual_award and listed == {manual.certificate_id: True, observed.certificate_id: False}
    assert "awardKind" not in json.loads(observed.canonical_payload)
    def verify(payload: bytes) -> spb.VerifyCertificateResponse:
        presented = spb.PresentedCertificate(canonical_payload=payload, signature=manual.signature)
        return evidence_stub.VerifyCertificate(spb.VerifyCertificateRequest(tenant_id=tenant, presented=presented),
                                               metadata=admin_md)

    verdict = verify(manual.canonical_payload)
    assert verdict.valid and verdict.status == pb.CERTIFICATE_STATUS_ACTIVE
    stripped = verify(manual.canonical_payload.replace(b'"awardKind":"manual",', b""))  # passed off as observed
    assert not stripped.valid and stripped.reason == "signature_invalid"


def test_payloads_without_a_manual_award_keep_their_exact_bytes():
    # Certificates issued before manual awards existed: the same inputs still give byte-identical payloads.
    subject = domain.Subject("course", "7f1f6b9e-8a55-4a65-9d1f-0c3b1a2d4e5f", 3)
    fields = dict(certificate_id="0b5c2c7e-3f2a-4c1e-9d7b-5a6e8f9a0b1c", tenant_id="acme",
                  recipient_id="5d6e7f80-91a2-4b3c-8d4e-5f6a7b8c9d0e", subject=subject,
                  issue_time="2026-02-20T09:15:00.000Z", expire_time=None, signing_key_id="00112233aabbccdd")
    assert domain.certificate_payload(**fields) == (
        b'{"certificateId":"0b5c2c7e-3f2a-4c1e-9d7b-5a6e8f9a0b1c","course":{"courseId":'
        b'"7f1f6b9e-8a55-4a65-9d1f-0c3b1a2d4e5f","version":3},"expireTime":null,"issueTime":'
        b'"2026-02-20T09:15:00.000Z","learningPath":null,"payloadType":"learning.certificate","payloadVersion":1,'
        b'"recipientId":"5d6e7f80-91a2-4b3c-8d4e-5f6a7b8c9d0e","signingKeyId":"00112233aabbccdd",'
        b'"tenantId":"acme"}')
    manual = domain.certificate_payload(**fields, manual=True)
    assert manual.startswith(b'{"awardKind":"manual","certificateId"') and domain.is_manual_award(manual)
    assert not domain.is_manual_award(domain.certificate_payload(**fields))
