"""Roles per the contract and tenant isolation."""

from __future__ import annotations

import uuid

import grpc
import pytest

from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_service_pb2 as spb
from tests.evidence import builders


def _code(call, request, metadata):
    try:
        call(request, metadata=metadata)
    except grpc.RpcError as error:
        return error.code()
    return grpc.StatusCode.OK


def test_missing_or_bad_token_is_unauthenticated(evidence_stub, tenant, tokens):
    req = spb.GetSigningKeysRequest(tenant_id=tenant)
    assert _code(evidence_stub.GetSigningKeys, req, None) == grpc.StatusCode.UNAUTHENTICATED
    assert _code(evidence_stub.GetSigningKeys, req, (("authorization", "Bearer nonsense"),)) == \
        grpc.StatusCode.UNAUTHENTICATED
    expired = tokens.token(tenant, ["admin"], ttl=-120)
    assert _code(evidence_stub.GetSigningKeys, req, (("authorization", f"Bearer {expired}"),)) == \
        grpc.StatusCode.UNAUTHENTICATED


@pytest.mark.parametrize("roles, subject, expected", [
    (["service"], "assessment", grpc.StatusCode.OK),
    # Only the service that observed the training records it: an admin could fabricate it, so could others.
    (["admin"], "admin-1", grpc.StatusCode.PERMISSION_DENIED),
    (["service"], "progress", grpc.StatusCode.PERMISSION_DENIED),
    (["service"], "catalog", grpc.StatusCode.PERMISSION_DENIED),
    (["auditor"], "user-1", grpc.StatusCode.PERMISSION_DENIED),
    (["learner"], "user-1", grpc.StatusCode.PERMISSION_DENIED),
    (["author"], "user-1", grpc.StatusCode.PERMISSION_DENIED),
])
def test_record_roles(evidence_stub, tokens, tenant, roles, subject, expected):
    req = builders.request(tenant, modules=1, questions=1)
    assert _code(evidence_stub.RecordTrainingEvidence, req, tokens.metadata(tenant, roles, subject)) == expected


@pytest.mark.parametrize("roles, expected", [
    (["auditor"], grpc.StatusCode.OK), (["admin"], grpc.StatusCode.OK), (["service"], grpc.StatusCode.OK),
    (["learner"], grpc.StatusCode.PERMISSION_DENIED), (["author"], grpc.StatusCode.PERMISSION_DENIED),
])
def test_evidence_read_roles(evidence_stub, tokens, tenant, service_md, roles, expected):
    record = evidence_stub.RecordTrainingEvidence(builders.request(tenant, modules=1, questions=1),
                                                  metadata=service_md).training_evidence
    md = tokens.metadata(tenant, roles, subject="progress" if "service" in roles else "user-1")
    assert _code(evidence_stub.GetTrainingEvidence, spb.GetTrainingEvidenceRequest(
        tenant_id=tenant, evidence_id=record.evidence_id), md) == expected
    assert _code(evidence_stub.VerifyEvidenceChain, spb.VerifyEvidenceChainRequest(tenant_id=tenant), md) == expected
    assert _code(evidence_stub.ListTrainingEvidence, spb.ListTrainingEvidenceRequest(tenant_id=tenant), md) == expected


def test_certificate_write_roles(evidence_stub, tokens, tenant, progress_md):
    issue = spb.IssueCertificateRequest(tenant_id=tenant, request_id=str(uuid.uuid4()), recipient_id=str(uuid.uuid4()),
                                        course=common_pb2.CourseVersionRef(course_id=str(uuid.uuid4()), version=1))
    for roles in (["auditor"], ["learner"]):
        assert _code(evidence_stub.IssueCertificate, issue, tokens.metadata(tenant, roles)) == \
            grpc.StatusCode.PERMISSION_DENIED
    for service in ("assessment", "catalog", "audit", "evidence"):  # certificates come from progress only
        assert _code(evidence_stub.IssueCertificate, issue, tokens.metadata(tenant, ["service"], service)) == \
            grpc.StatusCode.PERMISSION_DENIED
    cert = evidence_stub.IssueCertificate(issue, metadata=progress_md).certificate
    revoke = spb.RevokeCertificateRequest(tenant_id=tenant, certificate_id=cert.certificate_id, reason="r",
                                          request_id=str(uuid.uuid4()))
    for md in (progress_md, tokens.metadata(tenant, ["auditor"]), tokens.metadata(tenant, ["learner"])):
        assert _code(evidence_stub.RevokeCertificate, revoke, md) == grpc.StatusCode.PERMISSION_DENIED
    expire = spb.ExpireDueCertificatesRequest(tenant_id=tenant)
    assert _code(evidence_stub.ExpireDueCertificates, expire, tokens.metadata(tenant, ["auditor"])) == \
        grpc.StatusCode.PERMISSION_DENIED
    assert _code(evidence_stub.RevokeCertificate, revoke, tokens.metadata(tenant, ["admin"])) == grpc.StatusCode.OK


def test_learner_sees_only_own_certificates(evidence_stub, tokens, tenant, progress_md):
    me, other = str(uuid.uuid4()), str(uuid.uuid4())
    course = common_pb2.CourseVersionRef(course_id=str(uuid.uuid4()), version=1)
    mine = evidence_stub.IssueCertificate(spb.IssueCertificateRequest(
        tenant_id=tenant, request_id=str(uuid.uuid4()), recipient_id=me, course=course),
        metadata=progress_md).certificate
    theirs = evidence_stub.IssueCertificate(spb.IssueCertificateRequest(
        tenant_id=tenant, request_id=str(uuid.uuid4()), recipient_id=other, course=course),
        metadata=progress_md).certificate
    md = tokens.metadata(tenant, ["learner"], subject=me)
    got = evidence_stub.GetCertificate(spb.GetCertificateRequest(tenant_id=tenant, certificate_id=mine.certificate_id),
                                       metadata=md)
    assert got.certificate.certificate_id == mine.certificate_id
    for certificate_id in (theirs.certificate_id, str(uuid.uuid4())):  # existing or not: same answer
        assert _code(evidence_stub.GetCertificate, spb.GetCertificateRequest(
            tenant_id=tenant, certificate_id=certificate_id), md) == grpc.StatusCode.PERMISSION_DENIED
    listed = evidence_stub.ListCertificates(spb.ListCertificatesRequest(tenant_id=tenant), metadata=md)
    assert [c.certificate_id for c in listed.certificates] == [mine.certificate_id]
    assert _code(evidence_stub.ListCertificates, spb.ListCertificatesRequest(tenant_id=tenant, recipient_id=other),
                 md) == grpc.StatusCode.PERMISSION_DENIED
    assert evidence_stub.VerifyCertificate(spb.VerifyCertificateRequest(
        tenant_id=tenant, certificate_id=mine.certificate_id), metadata=md).valid
    assert evidence_stub.GetSigningKeys(spb.GetSigningKeysRequest(tenant_id=tenant), metadata=md).signing_keys


def test_tenants_are_isolated(evidence_stub, tokens, tenant, service_md, progress_md):
    record = evidence_stub.RecordTrainingEvidence(builders.request(tenant, modules=1, questions=1),
                                                  metadata=service_md).training_evidence
    cert = evidence_stub.IssueCertificate(spb.IssueCertificateRequest(
        tenant_id=tenant, request_id=str(uuid.uuid4()), recipient_id=str(uuid.uuid4()),
        course=common_pb2.CourseVersionRef(course_id=str(uuid.uuid4()), version=1)), metadata=progress_md).certificate
    other = f"t-{uuid.uuid4().hex[:12]}"
    other_md = tokens.metadata(other, ["admin"])
    # asking for my tenant with the other tenant's token: refused before any lookup
    assert _code(evidence_stub.GetTrainingEvidence, spb.GetTrainingEvidenceRequest(
        tenant_id=tenant, evidence_id=record.evidence_id), other_md) == grpc.StatusCode.PERMISSION_DENIED
    # my ids inside the other tenant: they simply do not exist there
    assert _code(evidence_stub.GetTrainingEvidence, spb.GetTrainingEvidenceRequest(
        tenant_id=other, evidence_id=record.evidence_id), other_md) == grpc.StatusCode.NOT_FOUND
    assert _code(evidence_stub.GetTrainingEvidenceBySession, spb.GetTrainingEvidenceBySessionRequest(
        tenant_id=other, session_id=record.session_id), other_md) == grpc.StatusCode.NOT_FOUND
    assert _code(evidence_stub.GetCertificate, spb.GetCertificateRequest(
        tenant_id=other, certificate_id=cert.certificate_id), other_md) == grpc.StatusCode.NOT_FOUND
    assert not evidence_stub.ListTrainingEvidence(spb.ListTrainingEvidenceRequest(tenant_id=other),
                                                  metadata=other_md).training_evidence
    # a body claiming another tenant is refused
    smuggled = builders.request(other, modules=1, questions=1)
    smuggled.tenant_id = tenant
    assert _code(evidence_stub.RecordTrainingEvidence, smuggled, service_md) == grpc.StatusCode.INVALID_ARGUMENT


def test_all_tenant_service_token(evidence_stub, tokens, tenant):
    md = tokens.metadata("*", ["service"], subject="assessment")
    assert evidence_stub.RecordTrainingEvidence(builders.request(tenant, modules=1, questions=1), metadata=md).created
    assert _code(evidence_stub.VerifyEvidenceChain, spb.VerifyEvidenceChainRequest(tenant_id="bad\x00tenant"), md) == \
        grpc.StatusCode.INVALID_ARGUMENT
    assert _code(evidence_stub.GetSigningKeys, spb.GetSigningKeysRequest(tenant_id=tenant),
                 tokens.metadata("*", ["admin"])) == grpc.StatusCode.PERMISSION_DENIED  # "*" is for services only
