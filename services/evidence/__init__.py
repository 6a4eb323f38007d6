"""The evidence service: the only writer of immutable records in the learning domain.

It owns database `learning_evidence`:
  - training evidence (seed 002 "evidence" collection): the exact RFC 8785 canonical bytes of each
    session's evidence body, their SHA-256, and a per-tenant hash chain;
  - learning certificates (seed 000 learning_certificates): Ed25519-signed, never changed after issue,
    with revocation and expiry as appended status events;
  - the public keys that signed a tenant's certificates.
"""
