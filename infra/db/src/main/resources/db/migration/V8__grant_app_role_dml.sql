-- paddock_app gets data access only: no CREATE on the schema (PostgreSQL 15+ does not give it to
-- PUBLIC), no ownership, so the running application can never alter the schema.
--
-- Grants name each table on purpose; there is no GRANT ON ALL TABLES and no ALTER DEFAULT PRIVILEGES.
-- The monthly usage_events partitions are tables too, and a role allowed to query a partition directly
-- would bypass the row-level security of the parent. A later migration that adds a table grants it here.

-- USAGE normally comes through PUBLIC; only where an administrator revoked it does it need granting,
-- and then a migrator unable to grant it should fail loudly rather than leave the app locked out.
DO $$
BEGIN
    IF NOT has_schema_privilege('paddock_app', '${flyway:defaultSchema}', 'USAGE') THEN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO paddock_app', '${flyway:defaultSchema}');
    END IF;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON
    users, entities, user_follows, entity_follows, user_blocks,
    posts, post_targets, post_actions,
    rate_limit_counters, rate_limit_overrides
    TO paddock_app;

-- Events are immutable once stored: no UPDATE. DELETE is for retention and erasure (admin only, by policy).
GRANT SELECT, INSERT, DELETE ON usage_events TO paddock_app;

-- Functions are executable by PUBLIC by default; the partition maintenance ones run as the table owner,
-- so they are offered to the application role only.
REVOKE ALL ON FUNCTION ensure_usage_event_partitions(int, int), drop_usage_event_partitions_before(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ensure_usage_event_partitions(int, int), drop_usage_event_partitions_before(timestamptz) TO paddock_app;
GRANT EXECUTE ON FUNCTION check_rate_limit(text, int, int), prune_rate_limit_counters() TO paddock_app;
