-- The integrity guard of one service database: what even the schema owner may not do to append-only tables.
--
-- Installed by a superuser into every service database (shared/provision.py; deploy/postgres-init.sql for
-- docker compose); only a superuser can create event triggers, so the owner role cannot remove it. Re-running
-- this script is safe. docs/operations.md, "The integrity guard", explains it for operators.
--
-- Why: the append-only tables' triggers stop UPDATE, DELETE and TRUNCATE even for the owner, but the owner
-- could switch them off (ALTER TABLE .. DISABLE TRIGGER, DROP TRIGGER, a no-op trigger function), hand the
-- table to another role, or grant the runtime role UPDATE. This guard refuses all of that for every role
-- but a superuser.
--
-- How: instead of parsing DDL, after every DDL command (ddl_command_end) it checks invariants of every
-- guarded table and raises, which rolls the command back:
--   - its guard triggers still exist under their names, are enabled, and have the definition (events,
--     timing, WHEN, arguments) and trigger-function source they had when guarded;
--   - its owner and row-level security settings are unchanged;
--   - no role but the owner holds any privilege other than SELECT and INSERT (table or column level).
-- table_rewrite refuses rewriting a guarded table's rows (ALTER COLUMN .. TYPE .. USING), sql_drop refuses
-- dropping a guarded table or one of its columns (DETACH PARTITION is refused because it drops the
-- partition's cloned row triggers).
--
-- Which tables are guarded: learning_guard.guarded_tables, owned by the superuser. The owner can only add
-- to it: learning_guard.protect(table) (shared/migrations.py calls it for the service's append-only tables
-- after every migration) records the table, its partitions and its triggers as they are. Afterwards every
-- new partition of a guarded table and every new trigger on one is guarded too. Only a superuser's DDL
-- removes entries (objects a superuser dropped) or moves the baseline (what a superuser redefined).

CREATE SCHEMA IF NOT EXISTS learning_guard;
REVOKE ALL ON SCHEMA learning_guard FROM PUBLIC;
GRANT USAGE ON SCHEMA learning_guard TO PUBLIC;

CREATE TABLE IF NOT EXISTS learning_guard.guarded_tables (
    relid           regclass    PRIMARY KEY,
    name            text        NOT NULL,   -- for messages once the table is gone
    owner           name        NOT NULL,
    row_security    boolean     NOT NULL,
    force_security  boolean     NOT NULL,
    guarded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS learning_guard.guard_triggers (
    relid               regclass NOT NULL REFERENCES learning_guard.guarded_tables ON DELETE CASCADE,
    trigger_name        name     NOT NULL,
    definition          text     NOT NULL,  -- pg_get_triggerdef: events, timing, WHEN, arguments, function
    function_definition text     NOT NULL,  -- pg_get_functiondef of the trigger function: a no-op body shows
    PRIMARY KEY (relid, trigger_name)
);
REVOKE ALL ON learning_guard.guarded_tables, learning_guard.guard_triggers FROM PUBLIC;
GRANT SELECT ON learning_guard.guarded_tables, learning_guard.guard_triggers TO PUBLIC;

-- The login role decides, not current_user: inside these SECURITY DEFINER functions current_user is the
-- superuser who installed them. Only a superuser session can change session_user.
CREATE OR REPLACE FUNCTION learning_guard.session_is_superuser() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
$$;

-- Partitions of guarded tables and triggers on guarded tables join the guard (monotonic: nothing is removed).
CREATE OR REPLACE FUNCTION learning_guard.enroll() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    added integer;
BEGIN
    LOOP  -- rows live in the partitions; nested partitioning adds a level per round
        INSERT INTO learning_guard.guarded_tables (relid, name, owner, row_security, force_security)
        SELECT c.oid, c.oid::regclass::text, pg_get_userbyid(c.relowner), c.relrowsecurity, c.relforcerowsecurity
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent IN (SELECT relid FROM learning_guard.guarded_tables)
          AND c.oid NOT IN (SELECT relid FROM learning_guard.guarded_tables)
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS added = ROW_COUNT;
        EXIT WHEN added = 0;
    END LOOP;
    -- User triggers and their clones on partitions (tgparentid); not the internal foreign-key triggers.
    INSERT INTO learning_guard.guard_triggers (relid, trigger_name, definition, function_definition)
    SELECT t.tgrelid, t.tgname, pg_get_triggerdef(t.oid), pg_get_functiondef(t.tgfoid)
    FROM pg_trigger t JOIN learning_guard.guarded_tables g ON g.relid = t.tgrelid
    WHERE (NOT t.tgisinternal OR t.tgparentid <> 0)
      AND NOT EXISTS (SELECT FROM learning_guard.guard_triggers r
                      WHERE r.relid = t.tgrelid AND r.trigger_name = t.tgname)
    ON CONFLICT DO NOTHING;
END
$$;

-- Every way the guarded tables are weaker now than when they were guarded (empty: all is well).
-- PL/pgSQL rather than SQL: its query plan is cached for the session (a migration runs many DDL commands).
CREATE OR REPLACE FUNCTION learning_guard.violations() RETURNS TABLE (relation text, problem text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN QUERY
    SELECT g.name, 'was dropped or detached'
    FROM learning_guard.guarded_tables g
    WHERE NOT EXISTS (SELECT FROM pg_class c WHERE c.oid = g.relid)
    UNION ALL
    SELECT g.name, format('owner changed from %s to %s', g.owner, pg_get_userbyid(c.relowner))
    FROM learning_guard.guarded_tables g JOIN pg_class c ON c.oid = g.relid
    WHERE pg_get_userbyid(c.relowner) <> g.owner
    UNION ALL
    SELECT g.name, 'row-level security settings changed'
    FROM learning_guard.guarded_tables g JOIN pg_class c ON c.oid = g.relid
    WHERE (c.relrowsecurity, c.relforcerowsecurity) IS DISTINCT FROM (g.row_security, g.force_security)
    UNION ALL
    SELECT g.name, format('%s holds %s', CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
                          a.privilege_type)
    FROM learning_guard.guarded_tables g JOIN pg_class c ON c.oid = g.relid, aclexplode(c.relacl) a
    WHERE a.grantee <> c.relowner AND a.privilege_type NOT IN ('SELECT', 'INSERT')
    UNION ALL
    SELECT g.name, format('%s holds %s on column %s',
                          CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
                          a.privilege_type, att.attname)
    FROM learning_guard.guarded_tables g JOIN pg_class c ON c.oid = g.relid
    JOIN pg_attribute att ON att.attrelid = c.oid AND NOT att.attisdropped, aclexplode(att.attacl) a
    WHERE a.grantee <> c.relowner AND a.privilege_type NOT IN ('SELECT', 'INSERT')
    UNION ALL
    SELECT g.name, format('guard trigger %s %s', r.trigger_name, CASE
               WHEN t.oid IS NULL THEN 'was dropped or renamed'
               WHEN t.tgenabled NOT IN ('O', 'A') THEN 'is disabled'
               WHEN pg_get_triggerdef(t.oid) <> r.definition THEN 'was redefined'
               ELSE 'calls a function whose definition changed' END)
    FROM learning_guard.guard_triggers r
    JOIN learning_guard.guarded_tables g ON g.relid = r.relid
    JOIN pg_class c ON c.oid = r.relid
    LEFT JOIN pg_trigger t ON t.tgrelid = r.relid AND t.tgname = r.trigger_name
    WHERE t.oid IS NULL OR t.tgenabled NOT IN ('O', 'A') OR pg_get_triggerdef(t.oid) <> r.definition
       OR pg_get_functiondef(t.tgfoid) <> r.function_definition;
END
$$;

-- After a superuser's DDL, what the superuser left is the new baseline: dropped objects leave the guard,
-- redefined ones are recorded as they are now. (A trigger left disabled stays a violation.)
CREATE OR REPLACE FUNCTION learning_guard.rebaseline() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT learning_guard.session_is_superuser() THEN
        RAISE EXCEPTION 'only a superuser may move the guard''s baseline' USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM learning_guard.guarded_tables g WHERE NOT EXISTS (SELECT FROM pg_class c WHERE c.oid = g.relid);
    DELETE FROM learning_guard.guard_triggers r
    WHERE NOT EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = r.relid AND t.tgname = r.trigger_name);
    UPDATE learning_guard.guarded_tables g
    SET name = c.oid::regclass::text, owner = pg_get_userbyid(c.relowner), row_security = c.relrowsecurity,
        force_security = c.relforcerowsecurity
    FROM pg_class c
    WHERE c.oid = g.relid AND (g.name, g.owner, g.row_security, g.force_security) IS DISTINCT FROM
          (c.oid::regclass::text, pg_get_userbyid(c.relowner), c.relrowsecurity, c.relforcerowsecurity);
    UPDATE learning_guard.guard_triggers r
    SET definition = pg_get_triggerdef(t.oid), function_definition = pg_get_functiondef(t.tgfoid)
    FROM pg_trigger t
    WHERE t.tgrelid = r.relid AND t.tgname = r.trigger_name
      AND (r.definition, r.function_definition)
          IS DISTINCT FROM (pg_get_triggerdef(t.oid), pg_get_functiondef(t.tgfoid));
END
$$;

CREATE OR REPLACE FUNCTION learning_guard.raise_violations(action text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    problems text;
BEGIN
    SELECT string_agg(relation || ': ' || problem, '; ' ORDER BY relation, problem) INTO problems
    FROM learning_guard.violations();
    IF problems IS NOT NULL THEN
        RAISE EXCEPTION 'refused: % would weaken the append-only guard: %', action, problems
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Append-only tables keep their triggers, owner and grants; only a superuser may change them.';
    END IF;
END
$$;

-- The owner (or a superuser) guards a table it owns; shared/migrations.py calls this after each migration.
CREATE OR REPLACE FUNCTION learning_guard.protect(target regclass) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT learning_guard.session_is_superuser()
       AND NOT pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = target), 'MEMBER') THEN
        RAISE EXCEPTION 'only the owner of % may guard it', target USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO learning_guard.guarded_tables (relid, name, owner, row_security, force_security)
    SELECT c.oid, c.oid::regclass::text, pg_get_userbyid(c.relowner), c.relrowsecurity, c.relforcerowsecurity
    FROM pg_class c WHERE c.oid = target
    ON CONFLICT DO NOTHING;
    PERFORM learning_guard.enroll();
    PERFORM learning_guard.raise_violations(format('guarding %s', target));
END
$$;

CREATE OR REPLACE FUNCTION learning_guard.on_ddl_command_end() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF learning_guard.session_is_superuser() THEN
        PERFORM learning_guard.rebaseline();
    END IF;
    PERFORM learning_guard.enroll();
    IF NOT learning_guard.session_is_superuser() THEN
        PERFORM learning_guard.raise_violations(tg_tag);
    END IF;
END
$$;

-- ALTER TABLE .. ALTER COLUMN .. TYPE .. USING <anything> rewrites every row without firing a row trigger.
CREATE OR REPLACE FUNCTION learning_guard.on_table_rewrite() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT learning_guard.session_is_superuser() AND EXISTS (
            SELECT FROM learning_guard.guarded_tables WHERE relid = pg_event_trigger_table_rewrite_oid()) THEN
        RAISE EXCEPTION 'refused: % would rewrite the rows of append-only table %', tg_tag,
                        pg_event_trigger_table_rewrite_oid()::regclass
            USING ERRCODE = 'insufficient_privilege', HINT = 'Only a superuser may rewrite an append-only table.';
    END IF;
END
$$;

-- Dropping a guarded table or one of its columns destroys rows; refused before ddl_command_end, by name.
CREATE OR REPLACE FUNCTION learning_guard.on_sql_drop() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    dropped text;
BEGIN
    IF learning_guard.session_is_superuser() THEN
        RETURN;
    END IF;
    SELECT string_agg(d.object_type || ' ' || d.object_identity, ', ') INTO dropped
    FROM pg_event_trigger_dropped_objects() d JOIN learning_guard.guarded_tables g ON g.relid = d.objid
    WHERE d.classid = 'pg_class'::regclass;
    IF dropped IS NOT NULL THEN
        RAISE EXCEPTION 'refused: % would drop %, part of an append-only table', tg_tag, dropped
            USING ERRCODE = 'insufficient_privilege', HINT = 'Only a superuser may drop append-only data.';
    END IF;
END
$$;

REVOKE ALL ON FUNCTION learning_guard.enroll(), learning_guard.rebaseline() FROM PUBLIC;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_event_trigger WHERE evtname = 'learning_guard_ddl_command_end') THEN
        CREATE EVENT TRIGGER learning_guard_ddl_command_end ON ddl_command_end
            EXECUTE FUNCTION learning_guard.on_ddl_command_end();
    END IF;
    IF NOT EXISTS (SELECT FROM pg_event_trigger WHERE evtname = 'learning_guard_table_rewrite') THEN
        CREATE EVENT TRIGGER learning_guard_table_rewrite ON table_rewrite
            EXECUTE FUNCTION learning_guard.on_table_rewrite();
    END IF;
    IF NOT EXISTS (SELECT FROM pg_event_trigger WHERE evtname = 'learning_guard_sql_drop') THEN
        CREATE EVENT TRIGGER learning_guard_sql_drop ON sql_drop EXECUTE FUNCTION learning_guard.on_sql_drop();
    END IF;
END
$$;
-- A superuser may have disabled them; installing again switches them back on.
ALTER EVENT TRIGGER learning_guard_ddl_command_end ENABLE;
ALTER EVENT TRIGGER learning_guard_table_rewrite ENABLE;
ALTER EVENT TRIGGER learning_guard_sql_drop ENABLE;
