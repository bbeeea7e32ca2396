-- IDs are UUIDv7 minted by the application (time-ordered, so B-tree inserts stay at the right edge);
-- the database never defaults them, so an id is known before the row is written.

CREATE TABLE users (
    id            uuid        PRIMARY KEY,
    -- Stored as the application normalised it (trimmed, domain lower-cased); the local part keeps its
    -- case for display, while uniqueness below ignores case so Ada@x and ada@x cannot both register.
    email         text        NOT NULL,
    -- Lower-case only, so the plain unique constraint is already case-insensitive.
    handle        text        NOT NULL,
    display_name  text,
    password_hash text        NOT NULL,
    role          text        NOT NULL DEFAULT 'user',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_shape CHECK (char_length(email) BETWEEN 3 AND 254
                                        AND email = btrim(email)
                                        AND position('@' IN email) > 1),
    CONSTRAINT users_handle_shape CHECK (handle ~ '^[a-z0-9_]{3,30}$'),
    CONSTRAINT users_handle_key UNIQUE (handle),
    CONSTRAINT users_display_name_length CHECK (char_length(display_name) BETWEEN 1 AND 100),
    -- An Argon2id PHC string is ~100 characters; the cap only stops garbage, not future parameters.
    CONSTRAINT users_password_hash_length CHECK (char_length(password_hash) BETWEEN 1 AND 512),
    CONSTRAINT users_role_known CHECK (role IN ('user', 'admin'))
);

-- Login looks users up by lower(email); this index is both that path and the uniqueness rule.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

CREATE TABLE entities (
    id         uuid        PRIMARY KEY,
    kind       text        NOT NULL,
    name       text        NOT NULL,
    -- An entity outlives the account that happened to create it: posts and followers still point at it.
    created_by uuid        REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT entities_kind_length CHECK (char_length(kind) BETWEEN 1 AND 40),
    CONSTRAINT entities_name_length CHECK (char_length(name) BETWEEN 1 AND 200)
);

-- Without it, deleting a user would scan every entity to null out created_by.
CREATE INDEX entities_created_by_idx ON entities (created_by);
