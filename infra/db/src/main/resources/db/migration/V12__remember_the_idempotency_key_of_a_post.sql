-- The Idempotency-Key a post was created with, if any. The key's answer is kept in DynamoDB for 24 h, except
-- when the answer was a 5xx: then a retry does the work again. If the first attempt committed and only its
-- answer failed (PostgreSQL went away between COMMIT and its reply), that retry would publish the post twice;
-- with the key on the row, the retry finds the post it made (FeedWrites.createPost).
ALTER TABLE posts ADD COLUMN idempotency_key text;

CREATE INDEX posts_author_idempotency_key_idx ON posts (author_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
