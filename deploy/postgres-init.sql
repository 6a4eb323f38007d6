-- docker-compose only: one database and two roles (owner for migrations, runtime for the
-- service) per service, as shared/provision.py creates them for `make run`, and in each database
-- the integrity guard (shared/guard.sql, mounted at /learning/guard.sql): an event trigger, which
-- only this superuser can create, that refuses the owner any DDL weakening the append-only tables.
-- Passwords here are development values; production supplies its own.
\set ON_ERROR_STOP on
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', r, r) FROM unnest(ARRAY[
  'learning_catalog_owner','learning_catalog',
  'learning_audit_owner','learning_audit',
  'learning_evidence_owner','learning_evidence',
  'learning_progress_owner','learning_progress',
  'learning_assessment_owner','learning_assessment'
]) AS r \gexec
CREATE DATABASE learning_catalog OWNER learning_catalog_owner;
CREATE DATABASE learning_audit OWNER learning_audit_owner;
CREATE DATABASE learning_evidence OWNER learning_evidence_owner;
CREATE DATABASE learning_progress OWNER learning_progress_owner;
CREATE DATABASE learning_assessment OWNER learning_assessment_owner;
REVOKE ALL ON DATABASE learning_catalog, learning_audit, learning_evidence, learning_progress, learning_assessment
  FROM PUBLIC;
GRANT CONNECT ON DATABASE learning_catalog TO learning_catalog;
GRANT CONNECT ON DATABASE learning_audit TO learning_audit;
GRANT CONNECT ON DATABASE learning_evidence TO learning_evidence;
GRANT CONNECT ON DATABASE learning_progress TO learning_progress;
GRANT CONNECT ON DATABASE learning_assessment TO learning_assessment;
\c learning_catalog
\i /learning/guard.sql
\c learning_audit
\i /learning/guard.sql
\c learning_evidence
\i /learning/guard.sql
\c learning_progress
\i /learning/guard.sql
\c learning_assessment
\i /learning/guard.sql
