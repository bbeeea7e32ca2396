-- As V12 for posts: the Idempotency-Key an entity was created with, so that a retry after a 5xx whose
-- transaction had committed finds the entity it made instead of creating a second one (FeedWrites.createEntity).
ALTER TABLE entities ADD COLUMN idempotency_key text;

CREATE INDEX entities_creator_idempotency_key_idx ON entities (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
