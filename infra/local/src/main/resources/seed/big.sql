-- Volume data for `./paddock local --seed=big`: by default 10,000 users, 1,000 entities and 1,000,000
-- posts with follows, targets, likes, hides and blocks, so feed queries and caching can be measured on
-- tables of a realistic size (load-tests/feed/feed-bench.sh). Generated with generate_series, one
-- INSERT per table. LocalData runs the whole file in one transaction, only when the first big user is
-- absent (so a second start skips it, and an interrupted load leaves nothing behind), after setting the
-- scale: paddock.seed.users, paddock.seed.entities, paddock.seed.posts (set_config, transaction-local;
-- LocalDataTest runs it small).
--
-- Ids are UUIDv7 shaped with the prefix 01900b16: 01900b16-0000-… users, -0001-… entities, -0002-… posts,
-- numbered from 1. Users are big_00001, big_00002, … (e-mail big_00001@example.org) and log in with the
-- demo password `paddock-demo-2026` (the hash of seed/demo.sql). Demo only: never on a deployed database.
--
-- Shape: the first 2 % of users are "popular" — they write a fifth of all posts and every user follows
-- 20 of them, besides the 30 users numbered after them; the first 5 % of entities get a third of the
-- targets. Post n is n minutes old (1,000,000 posts span ~2 years); every 100th is soft-deleted; 30 % of
-- posts target an entity, a third of those a second one.

INSERT INTO users (id, email, handle, display_name, password_hash)
SELECT ('01900b16-0000-7000-8000-' || lpad(u::text, 12, '0'))::uuid,
       'big_' || lpad(u::text, 5, '0') || '@example.org',
       'big_' || lpad(u::text, 5, '0'),
       'Big user ' || u,
       '$argon2id$v=19$m=19456,t=2,p=1$FXJrXQopqSA0tHz7SS4IOg$TkEsvJqkwF8o2XoHjUYrERDeilpaJUtAuNvVdIjm0mQ'
FROM generate_series(1, current_setting('paddock.seed.users')::int) u;

INSERT INTO entities (id, kind, name, created_by)
SELECT ('01900b16-0001-7000-8000-' || lpad(e::text, 12, '0'))::uuid,
       (ARRAY['topic', 'team', 'place'])[e % 3 + 1],
       'Big entity ' || e,
       ('01900b16-0000-7000-8000-' || lpad((e % current_setting('paddock.seed.users')::int + 1)::text, 12, '0'))::uuid
FROM generate_series(1, current_setting('paddock.seed.entities')::int) e;

-- 50 follows each: 20 popular users (stride 53 spreads them; coprime to the 200 of the full scale) and
-- the next 30 users by number. DISTINCT: at small scales the two sets overlap.
INSERT INTO user_follows (follower_id, followee_id)
SELECT DISTINCT ('01900b16-0000-7000-8000-' || lpad(f.u::text, 12, '0'))::uuid,
                ('01900b16-0000-7000-8000-' || lpad(f.followee::text, 12, '0'))::uuid
FROM (SELECT u,
             CASE WHEN k <= 20 THEN (u + k * 53) % greatest(n / 50, 1) + 1
                  ELSE (u - 1 + (k - 20)) % n + 1 END AS followee
      FROM (SELECT current_setting('paddock.seed.users')::int AS n) scale,
           generate_series(1, scale.n) u, generate_series(1, 50) k) f
WHERE f.followee <> f.u;

INSERT INTO entity_follows (user_id, entity_id)
SELECT DISTINCT ('01900b16-0000-7000-8000-' || lpad(u::text, 12, '0'))::uuid,
                ('01900b16-0001-7000-8000-' || lpad(((u * 7 + k * 97) % m + 1)::text, 12, '0'))::uuid
FROM (SELECT current_setting('paddock.seed.users')::int AS n, current_setting('paddock.seed.entities')::int AS m) scale,
     generate_series(1, scale.n) u, generate_series(1, 10) k;

INSERT INTO user_blocks (blocker_id, blocked_id)
SELECT ('01900b16-0000-7000-8000-' || lpad(u::text, 12, '0'))::uuid,
       ('01900b16-0000-7000-8000-' || lpad(((u - 1 + n / 2) % n + 1)::text, 12, '0'))::uuid
FROM (SELECT current_setting('paddock.seed.users')::int AS n) scale, generate_series(1, scale.n, 10) u
WHERE n >= 2;

INSERT INTO posts (id, author_id, body, created_at, deleted_at)
SELECT ('01900b16-0002-7000-8000-' || lpad(i::text, 12, '0'))::uuid,
       ('01900b16-0000-7000-8000-' || lpad((CASE WHEN i % 5 = 0 THEN (i / 5) % greatest(n / 50, 1)
                                                  ELSE (i::bigint * 7919) % n END + 1)::text, 12, '0'))::uuid,
       'Big post ' || i || ': ' || repeat('lorem ipsum ', 1 + i % 12),
       now() - i * interval '1 minute',
       CASE WHEN i % 100 = 0 THEN now() END
FROM (SELECT current_setting('paddock.seed.users')::int AS n) scale,
     generate_series(1, current_setting('paddock.seed.posts')::int) i;

-- The trigger of post_targets copies each post's created_at.
INSERT INTO post_targets (post_id, entity_id)
SELECT ('01900b16-0002-7000-8000-' || lpad(i::text, 12, '0'))::uuid,
       ('01900b16-0001-7000-8000-' || lpad(e::text, 12, '0'))::uuid
FROM (SELECT i, CASE WHEN i % 3 = 0 THEN i % greatest(m / 20, 1) ELSE (i::bigint * 31) % m END + 1 AS e
      FROM (SELECT current_setting('paddock.seed.entities')::int AS m) scale,
           generate_series(1, current_setting('paddock.seed.posts')::int) i
      WHERE i % 10 < 3
      UNION
      SELECT i, (i::bigint * 31 + 1) % m + 1
      FROM (SELECT current_setting('paddock.seed.entities')::int AS m) scale,
           generate_series(1, current_setting('paddock.seed.posts')::int) i
      WHERE i % 10 = 0) t;

-- A like on every third post, a hide on every 97th, by users spread over all of them.
INSERT INTO post_actions (user_id, post_id, type)
SELECT ('01900b16-0000-7000-8000-' || lpad(((i::bigint * 13) % n + 1)::text, 12, '0'))::uuid,
       ('01900b16-0002-7000-8000-' || lpad(i::text, 12, '0'))::uuid,
       'like'
FROM (SELECT current_setting('paddock.seed.users')::int AS n) scale,
     generate_series(1, current_setting('paddock.seed.posts')::int, 3) i
UNION ALL
SELECT ('01900b16-0000-7000-8000-' || lpad(((i::bigint * 17) % n + 1)::text, 12, '0'))::uuid,
       ('01900b16-0002-7000-8000-' || lpad(i::text, 12, '0'))::uuid,
       'hide'
FROM (SELECT current_setting('paddock.seed.users')::int AS n) scale,
     generate_series(1, current_setting('paddock.seed.posts')::int, 97) i;
