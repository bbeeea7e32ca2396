-- The primary keys lead with the acting user, which is the home feed's question ("whom do I follow,
-- whom have I blocked"); the reverse indexes answer "who follows X" and keep ON DELETE CASCADE from
-- scanning the whole table.

CREATE TABLE user_follows (
    follower_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    followee_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (follower_id, followee_id),
    -- Own posts are already in the home feed; a self-follow would only be noise in follower counts.
    CONSTRAINT user_follows_not_self CHECK (follower_id <> followee_id)
);
CREATE INDEX user_follows_followee_idx ON user_follows (followee_id);

CREATE TABLE entity_follows (
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    entity_id  uuid        NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, entity_id)
);
CREATE INDEX entity_follows_entity_idx ON entity_follows (entity_id);

-- A block is its own table rather than a flag on user_follows: one can block someone one never
-- followed, and the home feed excludes blocked authors even when they arrive through a followed entity.
CREATE TABLE user_blocks (
    blocker_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (blocker_id, blocked_id),
    CONSTRAINT user_blocks_not_self CHECK (blocker_id <> blocked_id)
);
CREATE INDEX user_blocks_blocked_idx ON user_blocks (blocked_id);
