"""Certificates: signed issuance, idempotency, derived status, revocation and expiry as appended events,
audit events in the outbox, offline verification with only the published public key."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from google.protobuf.timestamp_pb2 import Timestamp

from learning.audit.v1 import audit_service_pb2
from learning.common.v1 import common_pb2
from learning.evidence.v1 import evidence_resources_pb2 as pb
from learning.evidence.v1 import evidence_service_pb2 as spb
from tests.support.rpc import error_reason, field_violations, status_details


def _ts(moment: datetime) -> Timestamp:
    t = Timestamp()
    t.FromDatetime(moment)
    return t


def issue(stub, md, tenant, *, recipient=None, course=None, path=None, request_id=None, issue_time=None,
          expire_time=None):
    req = spb.IssueCertificateRequest(tenant_id=tenant, request_id=request_id or str(uuid.uuid4()),
                                      recipient_id=recipient or str(uuid.uuid4()))
    if path:
        req.learning_path.CopyFrom(common_pb2.LearningPathVersionRef(learning_path_id=path[0], version=path[1]))
    else:
        course = course or (str(uuid.uuid4()), 1)
        req.course.CopyFrom(common_pb2.CourseVersionRef(course_id=course[0], version=course[1]))
    if issue_time:
        req.issue_time.CopyFrom(_ts(issue_time))
    if expire_time:
        req.expire_time.CopyFrom(_ts(expire_time))
    return stub.IssueCertificate(req, metadata=md)


def audit_events(owner_sql, tenant, certificate_id):
    rows = owner_sql.execute("SELECT event_id, destination, message_type, message FROM outbox WHERE tenant_id = %s "
                             "ORDER BY position", (tenant,)).fetchall()
    events = []
    for event_id, destination, message_type, message in rows:
        assert destination == "audit" and message_type == "learning.audit.v1.AuditEvent"
        event = audit_service_pb2.AuditEvent.FromString(message)
        assert event.event_id == event_id
        if event.subject_id == certificate_id:
            events.append(event)
    return events


def test_issue_is_signed_and_verifies_offline_with_the_published_key(evidence_stub, progress_md, tenant,
                                                                     evidence_owner_sql):
    recipient, course = str(uuid.uuid4()), str(uuid.uuid4())
    response = issue(evidence_stub, progress_md, tenant, recipient=recipient, course=(course, 3))
    cert = response.certificate
    assert response.created and cert.status == pb.CERTIFICATE_STATUS_ACTIVE
    assert [e.status for e in cert.history] == [pb.CERTIFICATE_STATUS_ACTIVE]
    assert cert.course.course_id == course and cert.course.version == 3 and not cert.HasField("expire_time")

    # Offline: only the public key from GetSigningKeys, the canonical payload and the signature.
    keys = evidence_stub.GetSigningKeys(spb.GetSigningKeysRequest(tenant_id=tenant), metadata=progress_md).signing_keys
    key = next(k for k in keys if k.key_id == cert.signing_key_id)
    assert key.algorithm == "Ed25519"
    public_key = serialization.load_pem_public_key(key.public_key_pem.encode())
    public_key.verify(cert.signature, cert.canonical_payload)  # raises InvalidSignature if wrong
    payload = json.loads(cert.canonical_payload)
    assert payload == {
        "payloadType": "learning.certificate", "payloadVersion": 1, "certificateId": cert.certificate_id,
        "tenantId": tenant, "recipientId": recipient, "course": {"courseId": course, "version": 3},
        "learningPath": None, "issueTime": payload["issueTime"], "expireTime": None, "signingKeyId": key.key_id}
    assert len(payload["issueTime"]) == 24 and payload["issueTime"].endswith("Z")

    [event] = audit_events(evidence_owner_sql, tenant, cert.certificate_id)
    assert event.action == "certificate.issued" and event.subject_type == "certificate"
    assert event.source_service == "evidence" and event.actor_id == "progress"
    assert event.payload["recipient_id"] == recipient and event.payload["course_id"] == course
    assert not cert.manual_award and "manual_award" not in event.payload  # observed by progress, not by hand


def test_issue_is_idempotent_per_recipient_and_version(evidence_stub, progress_md, tenant):
    recipient, course = str(uuid.uuid4()), str(uuid.uuid4())
    request_id = str(uuid.uuid4())
    first = issue(evidence_stub, progress_md, tenant, recipient=recipient, course=(course, 1), request_id=request_id)
    replay = issue(evidence_stub, progress_md, tenant, recipient=recipient, course=(course, 1), request_id=request_id)
    assert replay == first
    other_request = issue(evidence_stub, progress_md, tenant, recipient=recipient, course=(course, 1))
    assert not other_request.created and other_request.certificate.certificate_id == first.certificate.certificate_id
    v2 = issue(evidence_stub, progress_md, tenant, recipient=recipient, course=(course, 2))
    assert v2.created and v2.certificate.certificate_id != first.certificate.certificate_id
    with pytest.raises(grpc.RpcError) as caught:
        issue(evidence_stub, progress_md, tenant, recipient=str(uuid.uuid4()), course=(course, 1), request_id=request_id)
    assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS
    info = next(d for d in status_details(caught.value) if d.DESCRIPTOR.name == "ErrorInfo")
    assert info.metadata["request_id"] == request_id
    assert info.metadata["certificate_id"] == first.certificate.certificate_id


def test_created_is_true_for_the_creating_call_and_its_retries_only(evidence_stub, progress_md, tenant):
    """The contract's one rule for `created` (IssueCertificate)."""
    recipient, course, request_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    first = issue(evidence_stub, progress_md, tenant, recipient=recipient, course=(course, 1), request_id=request_id)
    assert first.created
    # a retry of that call (same request_id) returns the first result, created included,
    # whichever case its ids are spelled in
    for spelling in (str.lower, str.upper):
        retry = issue(evidence_stub, progress_md, tenant, recipient=spelling(recipient), course=(spelling(course), 1),
                      request_id=spelling(request_id))
        assert retry == first and retry.created
    # any other issue for the same recipient and version returns that certificate with created = false
    other = issue(evidence_stub, progress_md, tenant, recipient=recipient.upper(), course=(course, 1))
    assert not other.created and other.certificate == first.certificate
    assert other.certificate.recipient_id == recipient and other.certificate.course.course_id == course


def test_concurrent_issues_make_one_certificate(evidence_stub, progress_md, tenant, evidence_owner_sql):
    recipient, path = str(uuid.uuid4()), (str(uuid.uuid4()), 1)
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _: issue(evidence_stub, progress_md, tenant, recipient=recipient, path=path),
                                  range(8)))
    assert sum(r.created for r in responses) == 1
    assert len({r.certificate.certificate_id for r in responses}) == 1
    assert evidence_owner_sql.execute("SELECT count(*) FROM certificates WHERE tenant_id = %s",
                                      (tenant,)).fetchone()[0] == 1
    assert evidence_owner_sql.execute("SELECT count(*) FROM outbox WHERE tenant_id = %s", (tenant,)).fetchone()[0] == 1


def test_revocation_is_an_appended_event_with_audit(evidence_stub, progress_md, admin_md, tenant, evidence_owner_sql):
    cert = issue(evidence_stub, progress_md, tenant).certificate
    before = evidence_owner_sql.execute("SELECT canonical_payload, signature FROM certificates "
                                        "WHERE certificate_id = %s",
                               (cert.certificate_id,)).fetchone()
    request_id = str(uuid.uuid4())
    revoke = spb.RevokeCertificateRequest(tenant_id=tenant, certificate_id=cert.certificate_id,
                                          reason="issued in error", request_id=request_id)
    revoked = evidence_stub.RevokeCertificate(revoke, metadata=admin_md).certificate
    assert revoked.status == pb.CERTIFICATE_STATUS_REVOKED
    assert [e.status for e in revoked.history] == [pb.CERTIFICATE_STATUS_ACTIVE, pb.CERTIFICATE_STATUS_REVOKED]
    assert revoked.history[1].reason == "issued in error" and revoked.history[1].actor_id == "admin-1"
    assert evidence_stub.RevokeCertificate(revoke, metadata=admin_md).certificate == revoked  # retry
    with pytest.raises(grpc.RpcError) as caught:
        evidence_stub.RevokeCertificate(spb.RevokeCertificateRequest(
            tenant_id=tenant, certificate_id=cert.certificate_id, reason="again", request_id=str(uuid.uuid4())),
            metadata=admin_md)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    failure = next(d for d in status_details(caught.value) if d.DESCRIPTOR.name == "PreconditionFailure")
    assert failure.violations[0].type == "STATUS"
    assert failure.violations[0].subject == f"certificates/{cert.certificate_id}"
    # the row never changed; the history is kept
    after = evidence_owner_sql.execute("SELECT canonical_payload, signature FROM certificates "
                                       "WHERE certificate_id = %s", (cert.certificate_id,)).fetchone()
    assert after == before
    got = evidence_stub.GetCertificate(spb.GetCertificateRequest(tenant_id=tenant, certificate_id=cert.certificate_id),
                                       metadata=admin_md).certificate
    assert got.status == pb.CERTIFICATE_STATUS_REVOKED and len(got.history) == 2
    verdict = evidence_stub.VerifyCertificate(spb.VerifyCertificateRequest(
        tenant_id=tenant, certificate_id=cert.certificate_id), metadata=admin_md)
    assert not verdict.valid and verdict.reason == "revoked" and verdict.status == pb.CERTIFICATE_STATUS_REVOKED
    actions = [e.action for e in audit_events(evidence_owner_sql, tenant, cert.certificate_id)]
    assert actions == ["certificate.issued", "certificate.revoked"]
    revoked_event = audit_events(evidence_owner_sql, tenant, cert.certificate_id)[1]
    assert revoked_event.actor_id == "admin-1" and revoked_event.payload["reason"] == "issued in error"


def test_expiry_is_derived_then_appended_once_with_audit(evidence_stub, progress_md, admin_md, tenant,
                                                         evidence_owner_sql):
    now = datetime.now(UTC)
    expiring = issue(evidence_stub, progress_md, tenant, issue_time=now - timedelta(days=30),
                     expire_time=now - timedelta(minutes=1)).certificate
    lasting = issue(evidence_stub, progress_md, tenant, expire_time=now + timedelta(days=365)).certificate
    assert expiring.status == pb.CERTIFICATE_STATUS_EXPIRED  # derived before any event
    expired_list = evidence_stub.ListCertificates(spb.ListCertificatesRequest(
        tenant_id=tenant, status=pb.CERTIFICATE_STATUS_EXPIRED), metadata=admin_md).certificates
    assert [c.certificate_id for c in expired_list] == [expiring.certificate_id]

    first = evidence_stub.ExpireDueCertificates(spb.ExpireDueCertificatesRequest(tenant_id=tenant), metadata=progress_md)
    again = evidence_stub.ExpireDueCertificates(spb.ExpireDueCertificatesRequest(tenant_id=tenant), metadata=progress_md)
    assert (first.expired_count, again.expired_count) == (1, 0)
    got = evidence_stub.GetCertificate(spb.GetCertificateRequest(
        tenant_id=tenant, certificate_id=expiring.certificate_id), metadata=admin_md).certificate
    assert [e.status for e in got.history] == [pb.CERTIFICATE_STATUS_ACTIVE, pb.CERTIFICATE_STATUS_EXPIRED]
    assert got.history[1].actor_id == "system" and got.history[1].event_time == got.expire_time
    events = audit_events(evidence_owner_sql, tenant, expiring.certificate_id)
    assert [e.action for e in events] == ["certificate.issued", "certificate.expired"]
    assert events[1].occur_time == got.expire_time and events[1].actor_id == "system"
    assert audit_events(evidence_owner_sql, tenant, lasting.certificate_id)[-1].action == "certificate.issued"

    # an expired certificate may still be revoked; revoked wins, history keeps all three
    revoked = evidence_stub.RevokeCertificate(spb.RevokeCertificateRequest(
        tenant_id=tenant, certificate_id=expiring.certificate_id, reason="fraud", request_id=str(uuid.uuid4())),
        metadata=admin_md).certificate
    assert revoked.status == pb.CERTIFICATE_STATUS_REVOKED and len(revoked.history) == 3
    active = evidence_stub.ListCertificates(spb.ListCertificatesRequest(
        tenant_id=tenant, status=pb.CERTIFICATE_STATUS_ACTIVE), metadata=admin_md).certificates
    assert [c.certificate_id for c in active] == [lasting.certificate_id]


def test_get_marks_expiry_lazily(evidence_stub, progress_md, admin_md, tenant, evidence_owner_sql):
    now = datetime.now(UTC)
    cert = issue(evidence_stub, progress_md, tenant, issue_time=now - timedelta(days=2),
                 expire_time=now - timedelta(days=1)).certificate
    got = evidence_stub.GetCertificate(spb.GetCertificateRequest(tenant_id=tenant, certificate_id=cert.certificate_id),
                                       metadata=admin_md).certificate
    assert got.status == pb.CERTIFICATE_STATUS_EXPIRED and got.history[-1].status == pb.CERTIFICATE_STATUS_EXPIRED
    assert [e.action for e in audit_events(evidence_owner_sql, tenant, cert.certificate_id)][-1] == "certificate.expired"
    assert evidence_stub.ExpireDueCertificates(spb.ExpireDueCertificatesRequest(tenant_id=tenant),
                                               metadata=progress_md).expired_count == 0


def test_list_filters_by_recipient_course_path_and_pages(evidence_stub, progress_md, admin_md, tenant):
    alice, course, path = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    made = [issue(evidence_stub, progress_md, tenant, recipient=alice, course=(course, v)).certificate for v in (1, 2, 3)]
    made.append(issue(evidence_stub, progress_md, tenant, recipient=alice, path=(path, 1)).certificate)
    made.append(issue(evidence_stub, progress_md, tenant, course=(course, 1)).certificate)

    def ids(**kwargs):
        out, token = [], ""
        while True:
            page = evidence_stub.ListCertificates(spb.ListCertificatesRequest(
                tenant_id=tenant, page_size=2, page_token=token, **kwargs), metadata=admin_md)
            out += [c.certificate_id for c in page.certificates]
            token = page.next_page_token
            if not token:
                return out

    newest_first = [c.certificate_id for c in sorted(
        made, key=lambda c: (c.issue_time.ToNanoseconds(), c.certificate_id), reverse=True)]
    assert ids() == newest_first
    assert set(ids(recipient_id=alice)) == {c.certificate_id for c in made[:4]}
    assert set(ids(course_id=course)) == {c.certificate_id for c in made if c.HasField("course")}
    assert ids(learning_path_id=path) == [made[3].certificate_id]
    with pytest.raises(grpc.RpcError) as caught:
        ids(course_id=course, learning_path_id=path)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_verify_presented_certificates(evidence_stub, progress_md, tenant, tokens):
    cert = issue(evidence_stub, progress_md, tenant).certificate

    def verify(payload, signature, as_tenant=tenant):
        return evidence_stub.VerifyCertificate(spb.VerifyCertificateRequest(
            tenant_id=as_tenant, presented=spb.PresentedCertificate(canonical_payload=payload, signature=signature)),
            metadata=tokens.metadata(as_tenant, ["auditor"]))

    good = verify(cert.canonical_payload, cert.signature)
    assert good.valid and good.reason == "" and good.status == pb.CERTIFICATE_STATUS_ACTIVE
    assert good.certificate_id == cert.certificate_id
    forged = cert.canonical_payload.replace(b'"version":1', b'"version":9')
    assert verify(forged, cert.signature).reason == "signature_invalid"
    assert verify(b"not json", cert.signature).reason == "payload_malformed"
    assert verify(cert.canonical_payload, cert.signature, as_tenant=f"t-{uuid.uuid4().hex[:12]}").reason == \
        "tenant_mismatch"
    # signed by a key the service never published
    rogue = Ed25519PrivateKey.generate()
    payload = json.loads(cert.canonical_payload)
    payload["signingKeyId"] = "0123456789abcdef"
    import rfc8785
    rogue_payload = rfc8785.dumps(payload)
    assert verify(rogue_payload, rogue.sign(rogue_payload)).reason == "unknown_signing_key"
    # a valid-looking certificate the service never issued
    key_payload = json.loads(cert.canonical_payload)
    key_payload["certificateId"] = str(uuid.uuid4())
    assert verify(rfc8785.dumps(key_payload), cert.signature).reason == "signature_invalid"
    with pytest.raises(grpc.RpcError) as caught:
        evidence_stub.VerifyCertificate(spb.VerifyCertificateRequest(tenant_id=tenant), metadata=progress_md)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "target" in field_violations(caught.value)


def test_issue_validation(evidence_stub, progress_md, tenant):
    now = datetime.now(UTC)
    req = spb.IssueCertificateRequest(tenant_id=tenant, request_id="nope", recipient_id="x")
    req.issue_time.CopyFrom(_ts(now + timedelta(hours=1)))
    with pytest.raises(grpc.RpcError) as caught:
        evidence_stub.IssueCertificate(req, metadata=progress_md)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {"request_id", "recipient_id", "subject", "issue_time"} <= set(field_violations(caught.value))
    with pytest.raises(grpc.RpcError) as caught:
        issue(evidence_stub, progress_md, tenant, issue_time=now - timedelta(days=1), expire_time=now - timedelta(days=2))
    assert "expire_time" in field_violations(caught.value)
    assert error_reason(caught.value) == "ERROR_REASON_INVALID_FIELD"


def test_verify_names_unknown_and_mismatched_payloads(evidence_stub, progress_md, tenant, certificate_key):
    cert = issue(evidence_stub, progress_md, tenant).certificate
    payload = json.loads(cert.canonical_payload)

    def verify(body: bytes):
        return evidence_stub.VerifyCertificate(spb.VerifyCertificateRequest(
            tenant_id=tenant, presented=spb.PresentedCertificate(canonical_payload=body,
                                                                 signature=certificate_key.sign(body))),
            metadata=progress_md)

    import rfc8785
    # correctly signed by the service's key, but never issued
    never = dict(payload, certificateId=str(uuid.uuid4()))
    unknown = verify(rfc8785.dumps(never))
    assert (unknown.valid, unknown.reason, unknown.status) == (False, "certificate_unknown",
                                                               pb.CERTIFICATE_STATUS_UNSPECIFIED)
    # correctly signed, same certificate id, but not the bytes that were issued (an altered expiry)
    altered = dict(payload, expireTime="2999-01-01T00:00:00.000Z")
    mismatch = verify(rfc8785.dumps(altered))
    assert (mismatch.valid, mismatch.reason) == (False, "payload_mismatch")
    assert mismatch.certificate_id == cert.certificate_id


def test_verify_reports_expiry_derived_before_any_event(evidence_stub, progress_md, tenant):
    now = datetime.now(UTC)
    cert = issue(evidence_stub, progress_md, tenant, issue_time=now - timedelta(days=3),
                 expire_time=now - timedelta(seconds=5)).certificate
    verdict = evidence_stub.VerifyCertificate(spb.VerifyCertificateRequest(
        tenant_id=tenant, presented=spb.PresentedCertificate(canonical_payload=cert.canonical_payload,
                                                             signature=cert.signature)), metadata=progress_md)
    assert (verdict.valid, verdict.reason, verdict.status) == (False, "expired", pb.CERTIFICATE_STATUS_EXPIRED)
