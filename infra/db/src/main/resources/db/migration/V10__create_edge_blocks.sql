-- Client addresses that the edge turns away before they reach API Gateway: the shared rate limiter
-- records an address here once it keeps getting 429s (EdgeOffenders.record), and the scheduled
-- EdgeBlockSyncFunction mirrors the rows that are still active into the AWS WAF IP set of the
-- CloudFront web ACL, removing the ones that have expired. This table is the source of truth; the IP
-- set is a copy that the sync overwrites, so an unblock is a DELETE here.
--
-- A logged table, unlike rate_limit_counters: a block outlives a window, and losing the table on a
-- crash would make WAF forget every offender at the next sync.
CREATE TABLE edge_blocks (
    ip            inet        PRIMARY KEY,
    -- Only ever moved later (greatest(existing, now() + block)): a short block recorded while a long
    -- one is running must not cut it short.
    blocked_until timestamptz NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    -- The last time the limiter recorded the address, whether or not that extended the block.
    updated_at    timestamptz NOT NULL DEFAULT now(),
    -- One address per row, never a network: the sync turns each row into exactly a /32 or /128 entry,
    -- and a range blocked by accident (10.0.0.0/8) would take out far more than one offender.
    CONSTRAINT edge_blocks_single_address CHECK (masklen(ip) = CASE family(ip) WHEN 4 THEN 32 ELSE 128 END)
);
-- Every sync deletes what has expired (blocked_until <= now) and reads what has not.
CREATE INDEX edge_blocks_blocked_until_idx ON edge_blocks (blocked_until);

-- V8 grants by table name on purpose (no GRANT ON ALL TABLES), so each new table grants itself.
GRANT SELECT, INSERT, UPDATE, DELETE ON edge_blocks TO paddock_app;
