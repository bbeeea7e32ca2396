-- Partition maintenance is DDL, which only the table owner may run. The application role has no DDL
-- rights, so these two functions run as their owner (SECURITY DEFINER) and are the only DDL the
-- application (its scheduled maintenance handler) can trigger. A pinned search_path keeps a caller
-- from substituting its own objects; TimeZone and DateStyle are pinned so month boundaries are UTC and
-- partition bounds round-trip through text the same way in every session.

-- Creates the partitions of the current month (UTC), months_ahead months after it and months_back
-- months before it, skipping those that exist; returns the names it created (none on a second run).
CREATE FUNCTION ensure_usage_event_partitions(months_ahead int, months_back int DEFAULT 0)
    RETURNS SETOF text
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = ${flyway:defaultSchema}, pg_temp
    SET TimeZone = 'UTC'
    SET DateStyle = 'ISO, YMD'
AS $$
DECLARE
    this_month date := date_trunc('month', now())::date;
    first_day  date;
    next_first date;
    part_name  text;
BEGIN
    IF months_ahead IS NULL OR months_ahead NOT BETWEEN 0 AND 36
            OR months_back IS NULL OR months_back NOT BETWEEN 0 AND 36 THEN
        RAISE EXCEPTION 'months_ahead and months_back must be between 0 and 36 (got %, %)', months_ahead, months_back
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Two maintenance runs at once would both see a month missing and one CREATE would fail.
    PERFORM pg_advisory_xact_lock(hashtext('paddock.usage_events.partitions'));
    FOR i IN -months_back .. months_ahead LOOP
        first_day  := (this_month + make_interval(months => i))::date;
        next_first := (first_day + interval '1 month')::date;
        part_name  := 'usage_events_' || to_char(first_day, 'YYYY_MM');
        IF to_regclass(quote_ident(part_name)) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF usage_events FOR VALUES FROM (%L) TO (%L)',
                           part_name, first_day || ' 00:00:00+00', next_first || ' 00:00:00+00');
            RETURN NEXT part_name;
        END IF;
    END LOOP;
END
$$;

-- Retention: drops every partition whose whole range lies before cutoff and returns the dropped names.
-- A partition that straddles the cutoff stays; the row-level prune of that boundary month is a DELETE.
-- Bounds are read from the catalogue rather than from names, so only real ranges decide.
CREATE FUNCTION drop_usage_event_partitions_before(cutoff timestamptz)
    RETURNS SETOF text
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = ${flyway:defaultSchema}, pg_temp
    SET TimeZone = 'UTC'
    SET DateStyle = 'ISO, YMD'
AS $$
DECLARE
    part record;
BEGIN
    IF cutoff IS NULL THEN
        RAISE EXCEPTION 'cutoff must not be null' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('paddock.usage_events.partitions'));
    FOR part IN
        SELECT b.rel, b.relname, b.upper_bound
        FROM (SELECT c.oid::regclass AS rel,
                     c.relname::text AS relname,
                     -- NULL for DEFAULT and MAXVALUE bounds, which are never dropped here
                     (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS upper_bound
              FROM pg_catalog.pg_inherits i
              JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = 'usage_events'::regclass) b
        WHERE b.upper_bound <= cutoff
        ORDER BY b.upper_bound
    LOOP
        -- Briefly takes an exclusive lock on usage_events; inserts wait milliseconds, nothing fails.
        EXECUTE format('DROP TABLE %s', part.rel);
        RETURN NEXT part.relname;
    END LOOP;
END
$$;

-- Besides this month and the next two, last month: events arrive up to 7 days late, so right after a
-- first deploy early in a month, late events of the previous month must have somewhere to go.
SELECT ensure_usage_event_partitions(2, 1);
