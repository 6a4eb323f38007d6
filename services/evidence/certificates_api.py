"""The certificate RPCs of EvidenceService (seed 000 learning_certificates).

Certificates are Ed25519-signed once and never change; revocation and expiry are appended status
events, each with its audit event written to the outbox in the same transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from learning.evidence.v1 import evidence_resources_pb2 as pb
from learning.evidence.v1 import evidence_service_pb2 as spb
from services.evidence import body as evidence_body
from services.evidence import convert, domain, store
from services.evidence.errors import AlreadyExistsWithMetadata
from services.evidence.ids import Violations, is_canonical_uuid
from services.evidence.paging import authorize, decode_key, learner_only, next_token, now_millis
from services.evidence.signing import ALGORITHM, SigningKey, verify_signature
from shared.auth import ADMIN, ALL_ROLES, AUDITOR, LEARNER, SERVICE, Principal
from shared.db import Database
from shared.errors import AlreadyExists, FailedPrecondition, NotFound, PermissionDenied
from shared.idempotency import run_once
from shared.interceptors import deadline_seconds
from shared.outbox import AUDIT_DESTINATION, enqueue
from shared.pagination import filter_fingerprint, page_size
from shared.timeutil import from_timestamp, to_timestamp, utcnow

ISSUE_ROLES = frozenset({SERVICE, ADMIN})
REVOKE_ROLES = frozenset({ADMIN})
EXPIRE_ROLES = frozenset({SERVICE, ADMIN})
CERTIFICATE_READ_ROLES = frozenset({AUDITOR, ADMIN, SERVICE, LEARNER})
MAX_REASON = 1000


class CertificateRpcs:
    """The certificate RPCs of EvidenceService (mixed into EvidenceApi)."""

    db: Database
    key: SigningKey

    async def IssueCertificate(self, request, context):
        principal = authorize(request.tenant_id, ISSUE_ROLES)
        now = now_millis()
        subject = _validate_issue(request, now)
        issued_at = evidence_body.millis_datetime(request.issue_time) if request.HasField("issue_time") else now
        expires_at = evidence_body.millis_datetime(request.expire_time) if request.HasField("expire_time") else None
        tenant = request.tenant_id

        async def issue() -> spb.IssueCertificateResponse:
            existing = await store.certificate_by_subject(session, tenant, request.recipient_id, subject.kind,
                                                          subject.subject_id, subject.version)
            if existing is None:
                existing = await self._issue(session, principal, request, subject, issued_at, expires_at, now)
                if existing is not None:
                    return spb.IssueCertificateResponse(certificate=await self._certificate(session, existing, now),
                                                        created=True)
                existing = await store.certificate_by_subject(session, tenant, request.recipient_id, subject.kind,
                                                              subject.subject_id, subject.version)
            return spb.IssueCertificateResponse(certificate=await self._certificate(session, existing, now),
                                                created=False)

        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            try:
                return await run_once(session, store.idempotency_keys, tenant_id=tenant, request_id=request.request_id,
                                      method="IssueCertificate", request=request,
                                      response_type=spb.IssueCertificateResponse, compute=issue)
            except AlreadyExists as error:
                raise await self._request_id_conflict(session, tenant, request.request_id) from error

    async def _issue(self, session, principal, request, subject, issued_at, expires_at, now):
        """Sign and insert a new certificate with its ACTIVE event; None if a concurrent issue won."""
        certificate_id = str(uuid.uuid4())
        payload = domain.certificate_payload(
            certificate_id=certificate_id, tenant_id=request.tenant_id, recipient_id=request.recipient_id,
            subject=subject, issue_time=_format(issued_at),
            expire_time=_format(expires_at) if expires_at else None, signing_key_id=self.key.key_id)
        await store.record_signing_key(session, request.tenant_id, self.key.key_id, ALGORITHM, self.key.public_key_pem)
        inserted = await store.insert_certificate(session, dict(
            tenant_id=request.tenant_id, certificate_id=certificate_id, recipient_id=request.recipient_id,
            subject_type=subject.kind, subject_id=subject.subject_id, subject_version=subject.version,
            issued_at=issued_at, expires_at=expires_at, signing_key_id=self.key.key_id, canonical_payload=payload,
            signature=self.key.sign(payload)))
        if not inserted:
            return None
        row = await store.certificate_by_id(session, request.tenant_id, certificate_id)
        await self._append_status(session, row, "active", now, principal.subject, "", "certificate.issued")
        return row

    async def _append_status(self, session, row, status: str, event_time: datetime, actor: str, reason: str,
                             action: str) -> bool:
        """Append a status event and, in the same transaction, its audit event; False if already entered."""
        event_id = str(uuid.uuid4())
        appended = await store.insert_status_event(session, dict(
            tenant_id=row.tenant_id, event_id=event_id, certificate_id=str(row.certificate_id), status=status,
            event_time=event_time, actor_id=actor, reason=reason))
        if appended:
            event = convert.certificate_audit_event(event_id=event_id, tenant_id=row.tenant_id, action=action,
                                                    actor_id=actor, occurred_at=event_time, certificate=row,
                                                    reason=reason)
            await enqueue(session, store.outbox, tenant_id=row.tenant_id, destination=AUDIT_DESTINATION,
                          message=event, event_id=event_id)
        return appended

    async def _expire_due(self, session, tenant_id: str, as_of: datetime, certificate_id: str | None = None) -> int:
        count = 0
        for row in await store.certificates_due_for_expiry(session, tenant_id, as_of, certificate_id):
            count += await self._append_status(session, row, "expired", row.expires_at, domain.SYSTEM_ACTOR, "",
                                               "certificate.expired")
        return count

    async def _certificate(self, session, row, now: datetime) -> pb.Certificate:
        history = await store.status_events(session, row.tenant_id, [str(row.certificate_id)])
        return convert.certificate(row, history[str(row.certificate_id)], now)

    async def _request_id_conflict(self, session, tenant_id: str, request_id: str) -> AlreadyExistsWithMetadata:
        stored = await session.execute(
            store.idempotency_keys.select().where(store.idempotency_keys.c.tenant_id == tenant_id,
                                                  store.idempotency_keys.c.request_id == request_id))
        row = stored.first()
        certificate_id = ""
        if row is not None and row.response and row.method == "IssueCertificate":
            certificate_id = spb.IssueCertificateResponse.FromString(row.response).certificate.certificate_id
        return AlreadyExistsWithMetadata("request", request_id, "request_id was already used for a different request",
                                         {"request_id": request_id, "certificate_id": certificate_id})

    async def GetCertificate(self, request, context):
        principal = authorize(request.tenant_id, CERTIFICATE_READ_ROLES)
        v = Violations()
        v.uuid(request.certificate_id, "certificate_id")
        v.raise_if_any()
        now = utcnow()
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            row = await store.certificate_by_id(session, request.tenant_id, request.certificate_id)
            _check_recipient(principal, row)
            if row is None:
                raise NotFound("certificate", request.certificate_id)
            # First observation past expire_time appends the EXPIRED event (and its audit event).
            await self._expire_due(session, request.tenant_id, now, request.certificate_id)
            return spb.GetCertificateResponse(certificate=await self._certificate(session, row, now))

    async def ListCertificates(self, request, context):
        principal = authorize(request.tenant_id, CERTIFICATE_READ_ROLES)
        recipient = request.recipient_id
        if learner_only(principal):
            if recipient and recipient != principal.subject:
                raise PermissionDenied("a learner may list only its own certificates")
            recipient = principal.subject
            if not is_canonical_uuid(recipient):  # a learner id that is no UUID cannot own certificates
                return spb.ListCertificatesResponse()
        v = Violations()
        v.page_size(request.page_size)
        v.uuid(request.recipient_id, "recipient_id", required=False)
        v.uuid(request.course_id, "course_id", required=False)
        v.uuid(request.learning_path_id, "learning_path_id", required=False)
        v.check(not (request.course_id and request.learning_path_id), "learning_path_id",
                "must not be set together with course_id")
        v.check(request.status in (0, *convert.STATUS_FILTER), "status", "is not a known certificate status")
        v.raise_if_any()
        limit = page_size(request.page_size)
        subject_type = "course" if request.course_id else "learning_path" if request.learning_path_id else None
        filters = store.CertificateFilter(recipient_id=recipient or None, subject_type=subject_type,
                                          subject_id=request.course_id or request.learning_path_id or None,
                                          status=convert.STATUS_FILTER.get(request.status))
        fingerprint = filter_fingerprint("certificates", request.tenant_id, filters.recipient_id, subject_type,
                                         filters.subject_id, filters.status)
        after = decode_key(request.page_token, fingerprint)
        now = utcnow()
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            rows = await store.list_certificates(session, request.tenant_id, filters, after, limit + 1, now)
            page = rows[:limit]
            history = await store.status_events(session, request.tenant_id, [str(r.certificate_id) for r in page])
        return spb.ListCertificatesResponse(
            certificates=[convert.certificate(r, history[str(r.certificate_id)], now) for r in page],
            next_page_token=next_token(rows, limit, "issued_at", "certificate_id", fingerprint))

    async def RevokeCertificate(self, request, context):
        principal = authorize(request.tenant_id, REVOKE_ROLES)
        v = Violations()
        v.uuid(request.certificate_id, "certificate_id")
        v.text(request.reason, "reason", max_len=MAX_REASON)
        v.uuid(request.request_id, "request_id")
        v.raise_if_any()
        now = now_millis()

        async def revoke() -> spb.RevokeCertificateResponse:
            row = await store.certificate_by_id(session, request.tenant_id, request.certificate_id)
            if row is None:
                raise NotFound("certificate", request.certificate_id)
            if not await self._append_status(session, row, "revoked", now, principal.subject, request.reason,
                                             "certificate.revoked"):
                raise FailedPrecondition("the certificate is already revoked", violation_type="STATUS",
                                         subject=f"certificates/{request.certificate_id}")
            return spb.RevokeCertificateResponse(certificate=await self._certificate(session, row, now))

        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            return await run_once(session, store.idempotency_keys, tenant_id=request.tenant_id,
                                  request_id=request.request_id, method="RevokeCertificate", request=request,
                                  response_type=spb.RevokeCertificateResponse, compute=revoke)

    async def ExpireDueCertificates(self, request, context):
        authorize(request.tenant_id, EXPIRE_ROLES)
        now = utcnow()
        as_of = now
        v = Violations()
        if request.HasField("as_of") and v.check(evidence_body.valid_timestamp(request.as_of), "as_of",
                                                 "is not a valid timestamp"):
            as_of = from_timestamp(request.as_of)
            v.check(as_of <= now, "as_of", "must not be in the future")
        v.raise_if_any()
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            count = await self._expire_due(session, request.tenant_id, as_of)
        return spb.ExpireDueCertificatesResponse(expired_count=count)

    async def VerifyCertificate(self, request, context):
        principal = authorize(request.tenant_id, CERTIFICATE_READ_ROLES)
        target = request.WhichOneof("target")
        v = Violations()
        if target is None:
            v.add("target", "one of certificate_id or presented is required")
        elif target == "certificate_id":
            v.uuid(request.certificate_id, "certificate_id")
        else:
            v.check(bool(request.presented.canonical_payload), "presented.canonical_payload", "is required")
            v.check(bool(request.presented.signature), "presented.signature", "is required")
        v.raise_if_any()
        now = utcnow()
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            if target == "certificate_id":
                return await self._verify_stored(session, principal, request, now)
            return await self._verify_presented(session, principal, request, now)

    async def _verify_stored(self, session, principal, request, now):
        row = await store.certificate_by_id(session, request.tenant_id, request.certificate_id)
        _check_recipient(principal, row)
        if row is None:
            raise NotFound("certificate", request.certificate_id)
        return await self._verdict(session, row, bytes(row.canonical_payload), bytes(row.signature),
                                   row.signing_key_id, now)

    async def _verify_presented(self, session, principal, request, now):
        payload, signature = request.presented.canonical_payload, request.presented.signature
        fields = domain.parse_payload(payload)
        if fields is None or not is_canonical_uuid(fields["certificateId"]):
            return spb.VerifyCertificateResponse(valid=False, reason="payload_malformed")
        certificate_id = fields["certificateId"]
        if learner_only(principal) and fields["recipientId"] != principal.subject:
            raise PermissionDenied("a learner may verify only its own certificates")
        if fields["tenantId"] != request.tenant_id:
            return spb.VerifyCertificateResponse(certificate_id=certificate_id, valid=False, reason="tenant_mismatch")
        row = await store.certificate_by_id(session, request.tenant_id, certificate_id)
        verdict = await self._verdict(session, row, payload, signature, fields["signingKeyId"], now)
        if verdict.reason in ("", "revoked", "expired"):
            if row is None:
                return spb.VerifyCertificateResponse(certificate_id=certificate_id, valid=False,
                                                     reason="certificate_unknown")
            if bytes(row.canonical_payload) != payload:
                verdict.valid, verdict.reason = False, "payload_mismatch"
        verdict.certificate_id = certificate_id
        return verdict

    async def _verdict(self, session, row, payload: bytes, signature: bytes, key_id: str, now):
        status = pb.CERTIFICATE_STATUS_UNSPECIFIED
        if row is not None:
            history = await store.status_events(session, row.tenant_id, [str(row.certificate_id)])
            status = convert.certificate(row, history[str(row.certificate_id)], now).status
        response = spb.VerifyCertificateResponse(certificate_id=str(row.certificate_id) if row else "", status=status)
        key = await store.signing_key(session, row.tenant_id if row else "", key_id) if row else None
        pem = key.public_key_pem if key else (self.key.public_key_pem if key_id == self.key.key_id else None)
        if pem is None:
            response.reason = "unknown_signing_key"
        elif not verify_signature(pem, payload, signature):
            response.reason = "signature_invalid"
        elif status == pb.CERTIFICATE_STATUS_REVOKED:
            response.reason = "revoked"
        elif status == pb.CERTIFICATE_STATUS_EXPIRED:
            response.reason = "expired"
        response.valid = response.reason == "" and row is not None
        return response

    async def GetSigningKeys(self, request, context):
        authorize(request.tenant_id, ALL_ROLES)
        async with self.db.transaction(timeout_seconds=deadline_seconds(context)) as session:
            rows = await store.tenant_signing_keys(session, request.tenant_id)
        keys = [pb.SigningKey(key_id=self.key.key_id, algorithm=ALGORITHM, public_key_pem=self.key.public_key_pem)]
        keys += [pb.SigningKey(key_id=r.key_id, algorithm=r.algorithm, public_key_pem=r.public_key_pem)
                 for r in rows if r.key_id != self.key.key_id]
        return spb.GetSigningKeysResponse(signing_keys=keys)


# ---------------------------------------------------------------------------------------- helpers

def _format(moment: datetime) -> str:
    return evidence_body.format_timestamp(to_timestamp(moment))


def _check_recipient(principal: Principal, row) -> None:
    """A learner may read only its own certificates; whether another one exists stays hidden."""
    if learner_only(principal) and (row is None or str(row.recipient_id) != principal.subject):
        raise PermissionDenied("a learner may access only its own certificates")


def _validate_issue(request, now: datetime) -> domain.Subject:
    v = Violations()
    v.uuid(request.request_id, "request_id")
    v.uuid(request.recipient_id, "recipient_id")
    kind = request.WhichOneof("subject")
    subject = domain.Subject("course", "", 0)
    if kind is None:
        v.add("subject", "one of course or learning_path is required")
    elif kind == "course":
        v.uuid(request.course.course_id, "course.course_id")
        v.check(request.course.version >= 1, "course.version", "must be at least 1")
        subject = domain.Subject("course", request.course.course_id, request.course.version)
    else:
        v.uuid(request.learning_path.learning_path_id, "learning_path.learning_path_id")
        v.check(request.learning_path.version >= 1, "learning_path.version", "must be at least 1")
        subject = domain.Subject("learning_path", request.learning_path.learning_path_id, request.learning_path.version)
    issued = now
    if request.HasField("issue_time") and v.check(evidence_body.valid_timestamp(request.issue_time), "issue_time",
                                                  "is not a valid timestamp"):
        issued = evidence_body.millis_datetime(request.issue_time)
        v.check(issued <= now, "issue_time", "must not be in the future")
    if request.HasField("expire_time") and v.check(evidence_body.valid_timestamp(request.expire_time), "expire_time",
                                                   "is not a valid timestamp"):
        v.check(evidence_body.millis_datetime(request.expire_time) > issued, "expire_time", "must be after issue_time")
    v.raise_if_any()
    return subject


