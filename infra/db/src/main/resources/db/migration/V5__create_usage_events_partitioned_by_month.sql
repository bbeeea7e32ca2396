-- Telemetry is append-only, high-volume and kept for a fixed window (30 days by default). Monthly range
-- partitions on occurred_at make retention a metadata operation (DROP of whole months) instead of a
-- DELETE that bloats the table, and keep each month's indexes small.
--
-- There is deliberately no DEFAULT partition: a row whose month has no partition fails the insert
-- (SQLSTATE 23514) instead of piling up in a catch-all that would have to be split later under lock.
-- Partitions are created ahead by ensure_usage_event_partitions() (next migration, maintenance handler).
--
-- No foreign key to users: ingestion must not take a lock on users for every event, and events of a
-- deleted account are removed by retention (or an explicit admin delete), not by a cascade.
CREATE TABLE usage_events (
    event_id        uuid        NOT NULL, -- chosen by the client, the unit of idempotency
    user_id         uuid,                 -- from the access token
    anonymous_id    text,                 -- from the client when it has no token
    -- One text key for "who sent it", so one unique index covers signed-in and anonymous senders.
    -- A uuid's text form never starts with 'anon:', so the two kinds cannot collide.
    actor           text        GENERATED ALWAYS AS (coalesce(user_id::text, 'anon:' || anonymous_id)) STORED,
    type            text        NOT NULL,
    item_id         text,
    surface         text,
    lane            text,
    feed_request_id text,                 -- X-Request-Id of the feed response that served the item
    occurred_at     timestamptz NOT NULL, -- client clock; the partition key
    received_at     timestamptz NOT NULL DEFAULT now(),
    meta            jsonb,
    CONSTRAINT usage_events_one_actor CHECK ((user_id IS NULL) <> (anonymous_id IS NULL)),
    CONSTRAINT usage_events_type_known CHECK (type IN ('impression', 'dwell_start', 'dwell_end', 'click',
                                                       'open', 'share', 'like', 'save', 'hide', 'report')),
    CONSTRAINT usage_events_anonymous_id_length CHECK (char_length(anonymous_id) BETWEEN 1 AND 128),
    CONSTRAINT usage_events_item_id_length CHECK (char_length(item_id) BETWEEN 1 AND 200),
    CONSTRAINT usage_events_surface_length CHECK (char_length(surface) BETWEEN 1 AND 64),
    CONSTRAINT usage_events_lane_length CHECK (char_length(lane) BETWEEN 1 AND 64),
    CONSTRAINT usage_events_feed_request_id_length CHECK (char_length(feed_request_id) BETWEEN 1 AND 128),
    -- The application sanitises meta to 2 KiB; this is the backstop against a path that forgets to.
    CONSTRAINT usage_events_meta_shape CHECK (jsonb_typeof(meta) = 'object' AND octet_length(meta::text) <= 8192),
    -- Idempotency. PostgreSQL only enforces uniqueness on a partitioned table when the key contains the
    -- partition key, so occurred_at is part of it. That is still exactly-once per event: a client retry
    -- resends the same batch, hence the same eventId with the same occurredAt, which lands in the same
    -- partition and conflicts here (INSERT ... ON CONFLICT DO NOTHING counts it as a duplicate).
    CONSTRAINT usage_events_idempotency_key UNIQUE (actor, event_id, occurred_at)
) PARTITION BY RANGE (occurred_at);

-- GET /v1/events: one user's timeline, newest first, keyset (occurred_at, event_id). Also the index the
-- row-level security predicate (user_id = app.user_id) is answered by.
CREATE INDEX usage_events_user_timeline_idx ON usage_events (user_id, occurred_at DESC, event_id DESC);
-- Funnels per surface/lane and type over a time range.
CREATE INDEX usage_events_funnel_idx ON usage_events (surface, lane, type, occurred_at);
-- CTR per item: impressions vs clicks of one item over a time range.
CREATE INDEX usage_events_item_ctr_idx ON usage_events (item_id, type, occurred_at);
-- Time-range scans without a leading user/surface/item (the retention prune of the boundary month,
-- admin-wide ranges): rows arrive roughly in occurred_at order, so a BRIN index of a few pages per
-- partition narrows them to the right blocks at almost no insert cost.
CREATE INDEX usage_events_occurred_brin ON usage_events USING brin (occurred_at);
