-- Feeds page by the keyset (created_at DESC, id DESC): created_at alone is not unique, id breaks ties.
-- created_at is set once at insert and never updated; post_targets copies it (below).

CREATE TABLE posts (
    id         uuid        PRIMARY KEY,
    author_id  uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Soft delete: the row stays so caches, actions and events that reference it stay consistent.
    deleted_at timestamptz,
    CONSTRAINT posts_body_length CHECK (char_length(body) BETWEEN 1 AND 5000)
);

-- Profile feed and the "own posts / followed users" branches of the home feed: one index range per author.
CREATE INDEX posts_author_feed_idx ON posts (author_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
-- Newest-first scans across all authors (admin views, benchmarks, fallbacks).
CREATE INDEX posts_recent_idx ON posts (created_at DESC, id DESC);

CREATE TABLE post_targets (
    post_id         uuid        NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    entity_id       uuid        NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    -- Copy of posts.created_at, filled by the trigger below: the entity feed (and the followed-entities
    -- branch of the home feed) can then walk one index in keyset order and stop after LIMIT rows,
    -- instead of joining every post of a popular entity and sorting.
    post_created_at timestamptz NOT NULL,
    PRIMARY KEY (post_id, entity_id)
);
CREATE INDEX post_targets_entity_post_idx ON post_targets (entity_id, post_id);
CREATE INDEX post_targets_entity_feed_idx ON post_targets (entity_id, post_created_at DESC, post_id DESC);

-- Writers only name (post_id, entity_id); the copy cannot drift from the post it belongs to.
CREATE FUNCTION post_targets_copy_post_created_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    SELECT p.created_at INTO NEW.post_created_at FROM posts p WHERE p.id = NEW.post_id;
    IF NOT FOUND THEN
        -- The foreign key would say the same, but only after this trigger; keep its error code.
        RAISE EXCEPTION 'post % does not exist', NEW.post_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER post_targets_post_created_at
    BEFORE INSERT OR UPDATE OF post_id ON post_targets
    FOR EACH ROW EXECUTE FUNCTION post_targets_copy_post_created_at();

-- One row per (user, post, type): repeating an action is an ON CONFLICT DO NOTHING no-op.
CREATE TABLE post_actions (
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id    uuid        NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    type       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, post_id, type),
    CONSTRAINT post_actions_type_known CHECK (type IN ('like', 'save', 'hide', 'report'))
);
-- likeCount per post on every feed page: an index-only count per (post, 'like').
CREATE INDEX post_actions_post_type_idx ON post_actions (post_id, type);
