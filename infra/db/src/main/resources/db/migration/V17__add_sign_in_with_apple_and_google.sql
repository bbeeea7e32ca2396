-- Sign in with Apple and Google (POST /v1/auth/oidc/{provider}, issue 18): auth's OidcSignIn verifies the
-- provider's ID token, then signs into the account its (provider, subject) names, links a live account with the
-- token's verified e-mail address, or creates one.

-- Which account a provider's user is. The subject (sub) is the provider's stable id of the user; it is not secret,
-- but it is personal data: the export lists it and deletion removes it (AccountDeletion's ERASE). The cascade is
-- for the daily release of a deleted account's row, which comes after the erasure already removed these.
CREATE TABLE user_identities (
    provider   text        NOT NULL,
    subject    text        NOT NULL,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_identities_pkey PRIMARY KEY (provider, subject),
    CONSTRAINT user_identities_provider_known CHECK (provider IN ('apple', 'google')),
    -- Google's and Apple's subjects are at most 255 ASCII characters (OpenID Connect Core 2).
    CONSTRAINT user_identities_subject_length CHECK (char_length(subject) BETWEEN 1 AND 255)
);

-- Export and erasure find a user's identities by user.
CREATE INDEX user_identities_user_id_idx ON user_identities (user_id);

-- The nonces that already signed in, so an ID token (or another token minted for the same nonce) signs in once.
-- Keyed by the SHA-256 of the token's nonce claim (fixed width, and the table holds no client value as sent);
-- a row is needed only while a token carrying that nonce could still be accepted: expires_at is the token's
-- exp plus the allowed clock skew. The daily maintenance (telemetry's MaintenanceHandler, UsedOidcNonces) deletes
-- rows past it; a row past it and not yet pruned is taken over by the next sign-in with that nonce.
-- PostgreSQL rather than DynamoDB with TTL: the claim commits in the same transaction as the sign-in's own writes
-- (account, identity, audit row), so a sign-in that fails leaves its nonce unspent and one that succeeds spends it.
CREATE TABLE used_oidc_nonces (
    provider   text        NOT NULL,
    nonce_hash bytea       NOT NULL,
    expires_at timestamptz NOT NULL,
    CONSTRAINT used_oidc_nonces_pkey PRIMARY KEY (provider, nonce_hash),
    CONSTRAINT used_oidc_nonces_provider_known CHECK (provider IN ('apple', 'google')),
    CONSTRAINT used_oidc_nonces_hash_length CHECK (octet_length(nonce_hash) = 32)
);

CREATE INDEX used_oidc_nonces_expires_at_idx ON used_oidc_nonces (expires_at);

-- An account made by signing in with Apple or Google has no password. NULL, which no verifier matches: auth's
-- PasswordHasher answers "wrong password" for anything that is not an Argon2id hash (after the same work as a real
-- check), so a password login against such an account fails exactly as a wrong password does. The release still
-- serving during a deploy reads NULL the same way. Dropping NOT NULL rewrites nothing.
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;

-- V8's rule: each table grants itself.
GRANT SELECT, INSERT, DELETE ON user_identities TO paddock_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON used_oidc_nonces TO paddock_app;
