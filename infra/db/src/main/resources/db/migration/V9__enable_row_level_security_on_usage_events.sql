-- "The caller's own events": PostgreSQL itself filters usage_events by the requesting user, so a query
-- that forgets its WHERE clause still cannot return another user's rows.
--
-- Who is asking comes from per-transaction settings the application sets first thing in each request's
-- transaction:  SELECT set_config('app.user_id', '<uuid>', true), set_config('app.role', 'user', true)
-- (the third argument true = SET LOCAL). They vanish at COMMIT/ROLLBACK, so behind RDS Proxy or
-- PgBouncer transaction pooling the next transaction on the same server connection, which may belong
-- to another user, starts with none. Never set them session-wide. Unset (NULL) or reset ('') settings
-- match no user, so a forgotten set_config fails closed: nothing visible, only anonymous inserts.
--
-- FORCE makes the table owner subject to the policies too (owners bypass RLS otherwise), for
-- deployments where the application logs in as the owning user. Superusers and BYPASSRLS roles still
-- bypass RLS; the application must not use one.
ALTER TABLE usage_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE usage_events FORCE ROW LEVEL SECURITY;

-- Policies are for PUBLIC rather than paddock_app so that whichever non-bypassing role runs the query
-- (app login, owner under FORCE) gets the same rules instead of seeing nothing at all.

-- Own rows, every row for admins (analytics, GET /v1/events?userId=). An anonymous sender that names its
-- anonymous id in app.anonymous_id sees its own anonymous rows, which is what INSERT ... RETURNING of an
-- anonymous batch needs (RETURNING must be able to see the rows it returns).
CREATE POLICY usage_events_select ON usage_events
    FOR SELECT
    USING (user_id = nullif(current_setting('app.user_id', true), '')::uuid
           OR anonymous_id = nullif(current_setting('app.anonymous_id', true), '')
           OR current_setting('app.role', true) = 'admin');

-- Anonymous events (no token) are always insertable; a signed-in user can only file events as itself;
-- admins (the maintenance handler replaying parked batches) may file for anyone.
CREATE POLICY usage_events_insert ON usage_events
    FOR INSERT
    WITH CHECK (user_id IS NULL
                OR user_id = nullif(current_setting('app.user_id', true), '')::uuid
                OR current_setting('app.role', true) = 'admin');

-- Retention's row-level prune of the boundary month and account erasure run as admin; users do not
-- delete events.
CREATE POLICY usage_events_delete ON usage_events
    FOR DELETE
    USING (current_setting('app.role', true) = 'admin');
