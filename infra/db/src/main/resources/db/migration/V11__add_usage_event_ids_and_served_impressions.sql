-- One stored event per (sender, eventId), whatever occurredAt says (contract v1.1). usage_events cannot
-- enforce that itself: a unique key of a partitioned table must contain the partition key, so its key is
-- (actor, event_id, occurred_at), and the same eventId sent again with another occurredAt was stored again.
-- This small, unpartitioned table is the key PostgreSQL can enforce. Ingestion claims the ids of a batch
-- here and stores, in the same statement, only the events whose id was new (EventStore.insert); a parked
-- batch replays through the same statement, so it stays exactly-once too.
--
-- Retention: the daily maintenance deletes ids received before the event retention plus the accepted
-- occurredAt window plus a margin (UsageEventMaintenance), so an id outlives every stored event that
-- carries it, and a retry is caught for as long as the API would accept the event at all.
CREATE TABLE usage_event_ids (
    -- usage_events.actor: the user id, or 'anon:' || anonymous id
    actor       text        NOT NULL,
    event_id    uuid        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor, event_id)
);
-- The daily prune by received_at: rows arrive in received_at order, so a BRIN index finds the oldest
-- blocks at almost no insert cost. The table is not partitioned (its key has no time in it), so the prune
-- is a DELETE; autovacuum reclaims the space for the next day's ids.
CREATE INDEX usage_event_ids_received_brin ON usage_event_ids USING brin (received_at);

-- usage_events_idempotency_key (actor, event_id, occurred_at) stays: the previous release, still serving
-- while a deploy shifts traffic, relies on it alone (migrations must keep the previous release working),
-- and it still turns away an exact resend of an event stored without a claim (by that release, or the
-- feed's own action events, which carry server-made UUIDv7s and claim none). It costs one index per
-- partition; dropping it is for a later release.

-- Impressions only: true when the event's feedRequestId names a feed response that was served to its
-- sender (a personal feed served to that user, or a public, shared-cacheable one); false when it names
-- none, or one not served to them; NULL when unknown (Redis did not answer at ingestion, events stored
-- before this column) and for every other type. CTR counts served impressions only (Analytics).
-- Nullable without a default: adding it rewrites nothing.
ALTER TABLE usage_events ADD COLUMN served boolean;

-- Events stored before this migration claim their ids now, so a resend of one of them with another
-- occurredAt is a duplicate too — those of the last 9 days (7 days late + 1 ahead + 1 of margin: what a
-- client may still be retrying), found through the partition key and its BRIN index. Older ones are left
-- out on purpose: the migration runs inside a deploy with a 5-minute limit, and a full month of events
-- could exceed it. Their exact resends are still caught by the old key; only a resend with a rewritten
-- occurredAt of an event stored more than 9 days before this deploy would be stored again.
-- usage_events forces row-level security on its owner, so the migrator reads it as an admin, for this
-- transaction only.
SELECT set_config('app.role', 'admin', true);
INSERT INTO usage_event_ids (actor, event_id, received_at)
SELECT actor, event_id, min(received_at) FROM usage_events
WHERE occurred_at >= now() - interval '9 days'
GROUP BY actor, event_id
ON CONFLICT DO NOTHING;

-- Row-level security as on usage_events, for writes: a signed-in user claims ids only as itself,
-- anonymous ids are claimable by anyone (as anonymous events are), and only admins (retention) delete.
-- Reads differ: ingestion reads the ids it claimed back (INSERT ... RETURNING), and one anonymous batch
-- may carry several anonymous ids, which a single app.anonymous_id cannot name, so anonymous rows are
-- visible to every caller. The table holds no event content, only who sent which id when.
ALTER TABLE usage_event_ids ENABLE ROW LEVEL SECURITY;
ALTER TABLE usage_event_ids FORCE ROW LEVEL SECURITY;

CREATE POLICY usage_event_ids_select ON usage_event_ids
    FOR SELECT
    USING (starts_with(actor, 'anon:')
           OR actor = nullif(current_setting('app.user_id', true), '')
           OR current_setting('app.role', true) = 'admin');

CREATE POLICY usage_event_ids_insert ON usage_event_ids
    FOR INSERT
    WITH CHECK (starts_with(actor, 'anon:')
                OR actor = nullif(current_setting('app.user_id', true), '')
                OR current_setting('app.role', true) = 'admin');

CREATE POLICY usage_event_ids_delete ON usage_event_ids
    FOR DELETE
    USING (current_setting('app.role', true) = 'admin');

-- V8 grants by table name on purpose (no GRANT ON ALL TABLES), so each new table grants itself. No UPDATE:
-- a claimed id is never changed, only pruned.
GRANT SELECT, INSERT, DELETE ON usage_event_ids TO paddock_app;
