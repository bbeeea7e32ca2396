-- API keys for integrations (issue 18): an admin creates, lists and revokes them in the auth function (ApiKeys);
-- every function verifies a presented key against this table by its hash (shared's IssuedApiKeys), on every
-- request, so a revocation is seen by every function from the moment it commits.
--
-- Only the SHA-256 of a key is stored: a key is 256 random bits, so a fast hash is as good as a slow one (nothing
-- to guess), and the lookup stays one unique-index probe. The key itself is shown once, in the creation's answer.
--
-- No foreign key to users: like audit_events, a key and who created it outlive the creator's account.
CREATE TABLE api_keys (
    id           uuid        PRIMARY KEY,  -- UUIDv7, minted by the application (Ids); what lists and logs show
    name         text        NOT NULL,
    scopes       text[]      NOT NULL,
    hash         bytea       NOT NULL,
    created_by   uuid        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- Moved at most once a minute per key by the verifying lookup itself, never a write per request.
    last_used_at timestamptz,
    -- Set once; a revoked key is refused and stays listed.
    revoked_at   timestamptz,
    CONSTRAINT api_keys_hash_unique UNIQUE (hash),
    CONSTRAINT api_keys_hash_length CHECK (octet_length(hash) = 32),
    CONSTRAINT api_keys_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
    -- The known scopes of io.paddock.shared.auth.ApiKeyScope (a test holds the two together), at least one, none
    -- twice: with two known scopes, two elements must differ (a CHECK cannot hold a subquery to count them).
    CONSTRAINT api_keys_scopes_known CHECK (
        array_ndims(scopes) = 1 AND cardinality(scopes) BETWEEN 1 AND 2
        AND scopes <@ ARRAY['read', 'telemetry:write']::text[]
        AND NOT (cardinality(scopes) = 2 AND scopes[1] = scopes[2]))
);

-- GET /v1/admin/api-keys: newest first on the keyset (created_at, id).
CREATE INDEX api_keys_created_idx ON api_keys (created_at, id);

-- V8 grants by table name on purpose (no GRANT ON ALL TABLES), so each new table grants itself. The application
-- role reads hashes (it verifies keys), inserts keys and moves only the two timestamps; a key is never deleted or
-- renamed, so the list keeps what existed.
GRANT SELECT, INSERT ON api_keys TO paddock_app;
GRANT UPDATE (last_used_at, revoked_at) ON api_keys TO paddock_app;
