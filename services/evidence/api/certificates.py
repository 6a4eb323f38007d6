"""The certificate RPCs (seed 000 learning_certificates).

Certificates are Ed25519-signed once and never change; revocation and expiry are appended status
events, each with its audit event written to the outbox in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from learning.evidence.v1 import evidence_resources_pb2 as pb
from learning.evidence.v1 import evidence_service_pb2 as spb
from services.evidence import domain, store
from services.evidence.convert import certificates as convert
from services.evidence.domain import CertificateStatus
from services.evidence.validate import certificates as validate
from shared.auth import ADMIN, ALL_ROLES, AUDITOR, LEARNER, SERVICE, Principal, authorize
from shared.errors import FailedPrecondition, NotFound, PermissionDenied
from shared.pagination import TIME, UUID, PageTokens
from shared.signing import ALGORITHM, verify_signature
from shared.timeutil import format_datetime_millis, now_millis, utcnow
from shared.unit_of_work import UnitOfWork
from shared.validation import canonical_uuid, required_id

ISSUE_ROLES = frozenset({SERVICE, ADMIN})
# Certificates are issued on a completion the progress service observed. An admin may still award one by hand:
# it is signed as a manual award (never mistaken for an observed completion); no other service may issue.
ISSUE_SERVICES = frozenset({"progress"})
REVOKE_ROLES = frozenset({ADMIN})
EXPIRE_ROLES = frozenset({SERVICE, ADMIN})
READ_ROLES = frozenset({AUDITOR, ADMIN, SERVICE, LEARNER})

LIST_TOKENS = PageTokens("ListCertificates", key=(TIME, UUID))


async def issue_certificate(api, request, context):
    principal = authorize(request.tenant_id, ISSUE_ROLES)
    if principal.service and principal.service not in ISSUE_SERVICES:
        raise PermissionDenied("only the progress service (or an admin, as a manual award) may issue certificates")
    manual = not principal.service
    now = now_millis()
    issue = validate.issue(request, now)
    tenant = request.tenant_id

    async def compute() -> spb.IssueCertificateResponse:
        # One certificate per recipient and version: any other issue for it answers with that one.
        row = await store.certificate_by_subject(uow.session, tenant, issue.recipient_id, issue.subject)
        created = False
        if row is None:
            row = await _sign_and_insert(api, uow, principal, tenant, issue, now, manual)
            created = row is not None
            if not created:  # a concurrent issue committed first (we waited on its unique key)
                row = await store.certificate_by_subject(uow.session, tenant, issue.recipient_id, issue.subject)
        return spb.IssueCertificateResponse(certificate=await _certificate(uow, row, now), created=created)

    async with api.work(context) as uow:
        once = await uow.run_once(
            tenant_id=tenant, request_id=issue.request_id, request=issue.request,
            response_type=spb.IssueCertificateResponse, compute=compute,
            conflict_metadata=lambda first: {"certificate_id": first.certificate.certificate_id if first else ""})
    return once.response


async def _sign_and_insert(api, uow: UnitOfWork, principal: Principal, tenant: str, issue: validate.IssueInput,
                           now: datetime, manual: bool):
    """Sign and insert a new certificate with its ACTIVE event; None if a concurrent issue won."""
    certificate_id = str(uuid.uuid4())
    payload = domain.certificate_payload(
        certificate_id=certificate_id, tenant_id=tenant, recipient_id=issue.recipient_id, subject=issue.subject,
        issue_time=format_datetime_millis(issue.issued_at),
        expire_time=format_datetime_millis(issue.expires_at) if issue.expires_at else None,
        signing_key_id=api.key.key_id, manual=manual)
    # Every key that ever signed stays published, so its certificates verify after key rotation.
    await store.record_signing_key(uow.session, tenant, api.key.key_id, ALGORITHM, api.key.public_key_pem)
    row = await store.insert_certificate(
        uow.session, tenant_id=tenant, certificate_id=certificate_id, recipient_id=issue.recipient_id,
        subject=issue.subject, issued_at=issue.issued_at, expires_at=issue.expires_at,
        signing_key_id=api.key.key_id, canonical_payload=payload, signature=api.key.sign(payload))
    if row is not None:
        await _append_status(uow, row, CertificateStatus.ACTIVE, now, principal.subject)
    return row


async def _append_status(uow: UnitOfWork, row, status: CertificateStatus, event_time: datetime, actor: str,
                         reason: str = "") -> bool:
    """Append a status event and, in the same transaction, its audit event; False if already entered.
    The audit event keeps the status event's id, so a redelivery is recognised."""
    event_id = str(uuid.uuid4())
    appended = await store.insert_status_event(
        uow.session, tenant_id=row.tenant_id, event_id=event_id, certificate_id=str(row.certificate_id),
        status=status.value, event_time=event_time, actor_id=actor, reason=reason)
    if appended:
        await uow.audit(tenant_id=row.tenant_id, actor_id=actor, action=domain.STATUS_ACTION[status],
                        subject_type="certificate", subject_id=str(row.certificate_id),
                        payload=convert.audit_payload(row, reason), event_id=event_id, occur_time=event_time)
    return appended


async def _expire_due(uow: UnitOfWork, tenant_id: str, as_of: datetime, certificate_id: str | None = None) -> int:
    count = 0
    for row in await store.certificates_due_for_expiry(uow.session, tenant_id, as_of, certificate_id):
        count += await _append_status(uow, row, CertificateStatus.EXPIRED, row.expires_at, domain.SYSTEM_ACTOR)
    return count


async def _certificate(uow: UnitOfWork, row, now: datetime) -> pb.Certificate:
    history = await store.status_events(uow.session, row.tenant_id, [str(row.certificate_id)])
    return convert.certificate(row, history[str(row.certificate_id)], now)


def _check_reader(principal: Principal, recipient_id: str | None, message: str) -> None:
    if not domain.may_read_certificate(principal.roles, principal.subject, recipient_id):
        raise PermissionDenied(message)


async def get_certificate(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    certificate_id = required_id(request, "certificate_id")
    now = utcnow()
    async with api.work(context) as uow:
        row = await store.certificate_by_id(uow.session, request.tenant_id, certificate_id)
        _check_reader(principal, str(row.recipient_id) if row else None,
                      "a learner may access only its own certificates")
        if row is None:
            raise NotFound("certificate", certificate_id)
        # First observation past expire_time appends the EXPIRED event (and its audit event).
        await _expire_due(uow, request.tenant_id, now, certificate_id)
        certificate = await _certificate(uow, row, now)
    return spb.GetCertificateResponse(certificate=certificate)


async def list_certificates(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    own = domain.own_recipient_id(principal.roles, principal.subject)
    if own is not None:  # a learner: its own certificates only
        if request.recipient_id:
            _check_reader(principal, request.recipient_id, "a learner may list only its own certificates")
        if not own:  # a learner id that is no UUID owns no certificates
            return spb.ListCertificatesResponse()
    query = validate.list_request(request)
    filters = query.filters if own is None else replace(query.filters, recipient_id=own)
    scope = LIST_TOKENS.scope(request.tenant_id, filters.recipient_id, filters.subject_type, filters.subject_id,
                              filters.status)
    after = LIST_TOKENS.decode(request.page_token, scope)
    now = utcnow()
    async with api.work(context) as uow:
        rows = await store.list_certificates(uow.session, request.tenant_id, filters, after, query.limit + 1, now)
        page, next_token = LIST_TOKENS.page(rows, query.limit, scope, key=lambda r: (r.issued_at, r.certificate_id))
        history = await store.status_events(uow.session, request.tenant_id, [str(r.certificate_id) for r in page])
    return spb.ListCertificatesResponse(
        certificates=[convert.certificate(r, history[str(r.certificate_id)], now) for r in page],
        next_page_token=next_token)


async def revoke_certificate(api, request, context):
    principal = authorize(request.tenant_id, REVOKE_ROLES)
    revoke = validate.revoke(request)
    now = now_millis()

    async def compute() -> spb.RevokeCertificateResponse:
        row = await store.certificate_by_id(uow.session, request.tenant_id, revoke.certificate_id)
        if row is None:
            raise NotFound("certificate", revoke.certificate_id)
        if not await _append_status(uow, row, CertificateStatus.REVOKED, now, principal.subject, revoke.reason):
            raise FailedPrecondition("the certificate is already revoked", violation_type="STATUS",
                                     subject=f"certificates/{revoke.certificate_id}")
        return spb.RevokeCertificateResponse(certificate=await _certificate(uow, row, now))

    async with api.work(context) as uow:
        once = await uow.run_once(tenant_id=request.tenant_id, request_id=revoke.request_id, request=revoke.request,
                                  response_type=spb.RevokeCertificateResponse, compute=compute)
    return once.response


async def expire_due_certificates(api, request, context):
    authorize(request.tenant_id, EXPIRE_ROLES)
    as_of = validate.expire(request, utcnow())
    async with api.work(context) as uow:
        count = await _expire_due(uow, request.tenant_id, as_of)
    return spb.ExpireDueCertificatesResponse(expired_count=count)


async def verify_certificate(api, request, context):
    principal = authorize(request.tenant_id, READ_ROLES)
    target = validate.verify(request)
    now = utcnow()
    async with api.work(context) as uow:
        if target.certificate_id:
            return await _verify_stored(api, uow, principal, request.tenant_id, target.certificate_id, now)
        return await _verify_presented(api, uow, principal, request.tenant_id, target, now)


async def _verify_stored(api, uow, principal, tenant_id: str, certificate_id: str, now):
    row = await store.certificate_by_id(uow.session, tenant_id, certificate_id)
    _check_reader(principal, str(row.recipient_id) if row else None, "a learner may access only its own certificates")
    if row is None:
        raise NotFound("certificate", certificate_id)
    return await _verdict(api, uow, row, bytes(row.canonical_payload), bytes(row.signature), row.signing_key_id, now)


async def _verify_presented(api, uow, principal, tenant_id: str, target: validate.VerifyInput, now):
    payload, signature = target.payload, target.signature
    fields = domain.parse_payload(payload)
    certificate_id = canonical_uuid(fields["certificateId"]) if fields else ""
    if not certificate_id:
        return spb.VerifyCertificateResponse(valid=False, reason="payload_malformed")
    _check_reader(principal, fields["recipientId"], "a learner may verify only its own certificates")
    if fields["tenantId"] != tenant_id:
        return spb.VerifyCertificateResponse(certificate_id=certificate_id, valid=False, reason="tenant_mismatch")
    row = await store.certificate_by_id(uow.session, tenant_id, certificate_id)
    verdict = await _verdict(api, uow, row, payload, signature, fields["signingKeyId"], now)
    if verdict.reason in ("", "revoked", "expired"):
        if row is None:
            return spb.VerifyCertificateResponse(certificate_id=certificate_id, valid=False,
                                                 reason="certificate_unknown")
        if bytes(row.canonical_payload) != payload:
            verdict.valid, verdict.reason = False, "payload_mismatch"
    verdict.certificate_id = certificate_id
    return verdict


async def _verdict(api, uow, row, payload: bytes, signature: bytes, key_id: str, now) -> spb.VerifyCertificateResponse:
    """The signature checked with the key it names (stored for the tenant, or the current one), then the
    certificate's derived status; `row` None: a certificate this service does not know."""
    status = None
    if row is not None:
        history = await store.status_events(uow.session, row.tenant_id, [str(row.certificate_id)])
        status = domain.derived_status(statuses={e.status for e in history[str(row.certificate_id)]},
                                       expires_at=row.expires_at, now=now)
    key = await store.signing_key(uow.session, row.tenant_id, key_id) if row is not None else None
    pem = key.public_key_pem if key else (api.key.public_key_pem if key_id == api.key.key_id else None)
    reason = ("unknown_signing_key" if pem is None else
              domain.verification_reason(signature_ok=verify_signature(pem, payload, signature), status=status))
    return spb.VerifyCertificateResponse(
        certificate_id=str(row.certificate_id) if row is not None else "", valid=reason == "" and row is not None,
        reason=reason,
        status=pb.CERTIFICATE_STATUS_UNSPECIFIED if status is None else convert.CERTIFICATE_STATUS[status])


async def get_signing_keys(api, request, context):
    authorize(request.tenant_id, ALL_ROLES)
    async with api.work.read(context) as uow:
        rows = await store.tenant_signing_keys(uow.session, request.tenant_id)
    # The current key first, then every other key that signed for the tenant (retired ones).
    keys = [convert.signing_key(api.key.key_id, ALGORITHM, api.key.public_key_pem)]
    keys += [convert.signing_key(r.key_id, r.algorithm, r.public_key_pem) for r in rows if r.key_id != api.key.key_id]
    return spb.GetSigningKeysResponse(signing_keys=keys)
