-- The L2 rate limiter, used only while Redis is unreachable: a fixed window per (key, window_start).
--
-- UNLOGGED because these counters live for one window and are worthless after it: skipping WAL makes
-- the per-request upsert cheap, and the only loss on a crash (PostgreSQL truncates unlogged tables
-- during recovery) is that current windows restart from zero, i.e. briefly more permissive. The table
-- is not replicated to read replicas, which never serve it.
CREATE UNLOGGED TABLE rate_limit_counters (
    key          text        NOT NULL,
    window_start timestamptz NOT NULL,
    count        int         NOT NULL,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (key, window_start),
    CONSTRAINT rate_limit_counters_key_length CHECK (char_length(key) BETWEEN 1 AND 256),
    CONSTRAINT rate_limit_counters_count_positive CHECK (count > 0)
);
-- prune_rate_limit_counters() deletes by expiry.
CREATE INDEX rate_limit_counters_expires_idx ON rate_limit_counters (expires_at);

-- Counts one request against p_key and says whether it is admitted.
--
-- Windows are aligned to the Unix epoch, so every container agrees on the current window without
-- coordination. The single INSERT ... ON CONFLICT DO UPDATE either creates the window's row or
-- increments it under the row lock, and RETURNING reads the value this very call produced: concurrent
-- calls serialise on that row and each sees a distinct count, so exactly p_limit calls per window are
-- admitted. The count stops at p_limit + 1 (rejections do not need counting), so it cannot overflow.
-- Nothing is deleted here; that would add work and lock traffic to every request.
CREATE FUNCTION check_rate_limit(p_key text, p_limit int, p_window_seconds int)
    RETURNS TABLE (allowed boolean, remaining int, reset_seconds int)
    LANGUAGE plpgsql
AS $$
BEGIN
    IF p_key IS NULL OR p_limit IS NULL OR p_limit < 0 OR p_window_seconds IS NULL OR p_window_seconds < 1 THEN
        RAISE EXCEPTION 'check_rate_limit(key, limit >= 0, window_seconds >= 1) got (%, %, %)', p_key, p_limit, p_window_seconds
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    WITH clock AS (
        SELECT t, to_timestamp(floor(extract(epoch FROM t) / p_window_seconds) * p_window_seconds) AS window_start
        FROM (SELECT clock_timestamp() AS t) now_
    ), counted AS (
        INSERT INTO rate_limit_counters AS c (key, window_start, count, expires_at)
        SELECT p_key, clock.window_start, 1, clock.window_start + make_interval(secs => p_window_seconds)
        FROM clock
        ON CONFLICT (key, window_start) DO UPDATE SET count = least(c.count + 1, p_limit + 1)
        RETURNING c.count, c.expires_at
    )
    SELECT counted.count <= p_limit,
           greatest(p_limit - counted.count, 0),
           -- Rounded up and at least 1, so a client waiting this long always lands in the next window.
           greatest(ceil(extract(epoch FROM counted.expires_at - clock.t)), 1)::int
    FROM counted, clock;
END
$$;

-- Housekeeping for a schedule (or an idle moment), never on the request path. Returns rows deleted.
CREATE FUNCTION prune_rate_limit_counters()
    RETURNS bigint
    LANGUAGE sql
AS $$
    WITH gone AS (DELETE FROM rate_limit_counters WHERE expires_at <= clock_timestamp() RETURNING 1)
    SELECT count(*) FROM gone;
$$;

-- Per-user adjustments set by admins (PUT /v1/admin/rate-limits/overrides/{userId}); durable, unlike
-- the counters. tier names a configured tier; multipliers maps category -> factor, e.g. {"read": 2}.
CREATE TABLE rate_limit_overrides (
    user_id     uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    tier        text,
    multipliers jsonb,
    updated_by  uuid        REFERENCES users (id) ON DELETE SET NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rate_limit_overrides_tier_shape CHECK (tier ~ '^[a-z0-9_]{1,32}$'),
    CONSTRAINT rate_limit_overrides_multipliers_object CHECK (jsonb_typeof(multipliers) = 'object')
);
