"""The audit service: the only writer of `learning_audit_log`, the append-only, per-tenant
hash-chained log of critical learning events (seed 000, "Audit Requirements").

Other services deliver their events through their transactional outbox (shared/outbox_relay.py);
RecordEvents is idempotent on event_id, ListAuditEvents answers auditors' queries, and
VerifyAuditLog recomputes a tenant's chain and names the first event that does not verify.
"""
