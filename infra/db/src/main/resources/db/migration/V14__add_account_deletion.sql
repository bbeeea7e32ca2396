-- Account deletion (DELETE /v1/auth/me, DELETE /v1/admin/users/{userId}). The user's data goes at once (auth's
-- AccountDeletion), but the users row stays for a grace period: its e-mail address and handle remain taken by the
-- same unique indexes as before, so nobody can register the handle of someone who just left and pass for them.
-- Every read of an account skips a deleted row (auth's Accounts, the feed's handle lookup), so to every route the
-- account is gone at once. The row keeps only what the reservation needs: display_name is cleared and
-- password_hash replaced by a value no password matches (not NULL: the release still serving during a deploy
-- reads it as a hash, and the verifier answers "wrong password" for anything that is not one).
--
-- released_at is when the reservation ends: the daily maintenance (TelemetryMaintenanceFunction,
-- DeletedAccountRelease) deletes rows whose time has come, which frees the e-mail address and the handle. It is
-- set by the deletion (deleted_at + PADDOCK_AUTH_ACCOUNT_DELETION_GRACE), so the maintenance needs no setting.
-- Both columns are nullable without a default: adding them rewrites nothing.
ALTER TABLE users ADD COLUMN deleted_at timestamptz;
ALTER TABLE users ADD COLUMN released_at timestamptz;
ALTER TABLE users ADD CONSTRAINT users_deleted_has_release
    CHECK ((deleted_at IS NULL) = (released_at IS NULL) AND (released_at IS NULL OR released_at >= deleted_at));

-- The daily release walks only the deleted rows, never the whole table.
CREATE INDEX users_released_at_idx ON users (released_at) WHERE released_at IS NOT NULL;
