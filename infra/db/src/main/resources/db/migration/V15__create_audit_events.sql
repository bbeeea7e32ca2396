-- The audit trail (issue 18): one row per admin action and security event, written once and never changed.
-- shared's AuditTrail writes the rows (in the same transaction as the action where the action is a PostgreSQL
-- write); GET /v1/admin/audit reads them; the daily maintenance drops rows past the retention through
-- prune_audit_events() below, the one way a row ever leaves.
--
-- Not partitioned: a few rows per sign-in and admin action stay far below the volume where a daily DELETE of
-- one day's rows through the (at, id) index hurts, and an unpartitioned table keeps its key, its triggers and
-- its grants plain. usage_events shows the way should that change.
--
-- No foreign keys to users: the trail outlives the accounts it names (an account's deletion is itself a row).
CREATE TABLE audit_events (
    id             uuid        PRIMARY KEY, -- UUIDv7, minted by the application (Ids), or by the role-change trigger
    action         text        NOT NULL,
    -- The signed-in user who acted; NULL when nobody signed in did (a failed sign-in, a reused refresh token,
    -- a role changed with SQL).
    actor_id       uuid,
    -- What was acted on: a user id, a rate-limit key (ip:<address>, user:<id>), an API key id.
    target_id      text,
    at             timestamptz NOT NULL DEFAULT now(),
    request_id     text,                    -- X-Request-Id of the request that acted; NULL outside one
    client_address inet,                    -- the contract's client address (one spelling, IpAddress)
    -- A little context, never a secret: no password, token, refresh secret or e-mail address goes here
    -- (AuditTrail's javadoc lists what each action puts in).
    details        jsonb,
    -- The fixed set of io.paddock.shared.audit.AuditAction; a code the application does not know is refused.
    CONSTRAINT audit_events_action_known CHECK (action IN (
        'auth.signed_in', 'auth.sign_in_backoff_started', 'auth.refresh_token_reused',
        'account.deleted', 'account.role_changed',
        'api_key.created', 'api_key.revoked',
        'rate_limit.override_set', 'rate_limit.override_removed', 'rate_limit.unblocked')),
    CONSTRAINT audit_events_target_id_length CHECK (char_length(target_id) BETWEEN 1 AND 200),
    CONSTRAINT audit_events_request_id_length CHECK (char_length(request_id) BETWEEN 1 AND 128),
    CONSTRAINT audit_events_single_address CHECK (masklen(client_address) = CASE family(client_address) WHEN 4 THEN 32 ELSE 128 END),
    CONSTRAINT audit_events_details_shape CHECK (jsonb_typeof(details) = 'object' AND octet_length(details::text) <= 2048)
);

-- GET /v1/admin/audit: newest first on the keyset (at, id), unfiltered or by one of actor, target and action;
-- the first also serves the retention prune (at < cutoff).
CREATE INDEX audit_events_at_idx ON audit_events (at, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, at, id);
CREATE INDEX audit_events_target_idx ON audit_events (target_id, at, id);
CREATE INDEX audit_events_action_idx ON audit_events (action, at, id);

-- Append-only, twice over. The application role gets INSERT and SELECT only, and the trigger below refuses
-- UPDATE, DELETE and TRUNCATE to everyone, so a broad GRANT added one day (or an application logging in as
-- the owner, as ./paddock local does) still cannot rewrite the trail. The one exception is the retention prune:
-- it runs as the table's owner (prune_audit_events is SECURITY DEFINER) and marks its own transaction, and
-- only both together pass. A superuser can still disable the trigger; that is outside what a schema can stop.
CREATE FUNCTION refuse_audit_event_changes()
    RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = ${flyway:defaultSchema}, pg_temp
AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('paddock.audit_retention_prune', true) = 'on'
            AND current_user = (SELECT pg_catalog.pg_get_userbyid(relowner) FROM pg_catalog.pg_class WHERE oid = TG_RELID) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_event_changes();
CREATE TRIGGER audit_events_never_truncated BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_event_changes();

-- Retention (PADDOCK_AUDIT_RETENTION_DAYS, default 400, run by the daily maintenance): deletes the rows older
-- than retention_days and returns how many. The application role may call it, so it refuses less than 90
-- days: whoever holds that role can age rows out of the trail, but never the recent ones.
CREATE FUNCTION prune_audit_events(retention_days int)
    RETURNS bigint
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = ${flyway:defaultSchema}, pg_temp
AS $$
DECLARE
    pruned bigint;
BEGIN
    IF retention_days IS NULL OR retention_days < 90 OR retention_days > 3650 THEN
        RAISE EXCEPTION 'retention_days must be between 90 and 3650 (got %)', retention_days
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM set_config('paddock.audit_retention_prune', 'on', true);
    DELETE FROM audit_events WHERE at < now() - make_interval(days => retention_days);
    GET DIAGNOSTICS pruned = ROW_COUNT;
    PERFORM set_config('paddock.audit_retention_prune', '', true);
    RETURN pruned;
END
$$;

REVOKE ALL ON FUNCTION prune_audit_events(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION prune_audit_events(int) TO paddock_app;

-- Role changes: no route or tool changes a role; an operator promotes or demotes with SQL (README, "The first
-- admin"). This trigger makes that a row of the trail whoever runs the UPDATE: target the account, actor
-- unknown (NULL), details the old and new role and the database user that ran it. The id is a UUIDv7 made
-- here (PostgreSQL 17 has no uuidv7()): the millisecond clock over the first 48 bits of a random UUID, the
-- version nibble turned from 4 into 7.
CREATE FUNCTION record_role_change()
    RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = ${flyway:defaultSchema}, pg_temp
AS $$
BEGIN
    INSERT INTO audit_events (id, action, target_id, details)
    VALUES (encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                    FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid,
            'account.role_changed', NEW.id::text,
            jsonb_build_object('from', OLD.role, 'to', NEW.role, 'by', session_user::text));
    RETURN NULL;
END
$$;

CREATE TRIGGER users_role_change_audited AFTER UPDATE OF role ON users
    FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role) EXECUTE FUNCTION record_role_change();

-- V8 grants by table name on purpose (no GRANT ON ALL TABLES), so each new table grants itself. The REVOKE
-- states the rule where the next person looks; the trigger above holds it if a later GRANT forgets it.
GRANT SELECT, INSERT ON audit_events TO paddock_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM paddock_app;
