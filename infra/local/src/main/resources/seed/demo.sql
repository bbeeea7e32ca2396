-- Demo data for `./paddock local --seed`: three users, three entities, follows, a block and posts, so
-- that the feeds have something to show. Fixed ids (UUIDv7 shaped) and ON CONFLICT DO NOTHING make it
-- safe to run on every start. Every demo account logs in with the password `paddock-demo-2026` (an
-- Argon2id hash of it, made by the auth function's PasswordHasher); ada is an admin. Demo only: these
-- rows never reach a deployed database (`./paddock migrate` does not seed).
INSERT INTO users (id, email, handle, display_name, password_hash, role) VALUES
    ('01900000-0000-7000-8000-000000000001', 'ada@example.com',   'ada',   'Ada',   '$argon2id$v=19$m=19456,t=2,p=1$FXJrXQopqSA0tHz7SS4IOg$TkEsvJqkwF8o2XoHjUYrERDeilpaJUtAuNvVdIjm0mQ', 'admin'),
    ('01900000-0000-7000-8000-000000000002', 'grace@example.com', 'grace', 'Grace', '$argon2id$v=19$m=19456,t=2,p=1$FXJrXQopqSA0tHz7SS4IOg$TkEsvJqkwF8o2XoHjUYrERDeilpaJUtAuNvVdIjm0mQ', 'user'),
    ('01900000-0000-7000-8000-000000000003', 'linus@example.com', 'linus', 'Linus', '$argon2id$v=19$m=19456,t=2,p=1$FXJrXQopqSA0tHz7SS4IOg$TkEsvJqkwF8o2XoHjUYrERDeilpaJUtAuNvVdIjm0mQ', 'user')
ON CONFLICT (id) DO UPDATE SET password_hash = EXCLUDED.password_hash
    WHERE users.password_hash = '!demo-no-login'; -- rows seeded before demo logins existed

INSERT INTO entities (id, kind, name, created_by) VALUES
    ('01900000-0000-7000-8000-000000000101', 'topic', 'Trail running', '01900000-0000-7000-8000-000000000001'),
    ('01900000-0000-7000-8000-000000000102', 'team',  'Paddock FC',    '01900000-0000-7000-8000-000000000002'),
    ('01900000-0000-7000-8000-000000000103', 'place', 'Lisbon',        '01900000-0000-7000-8000-000000000003')
ON CONFLICT DO NOTHING;

INSERT INTO user_follows (follower_id, followee_id) VALUES
    ('01900000-0000-7000-8000-000000000001', '01900000-0000-7000-8000-000000000002'),
    ('01900000-0000-7000-8000-000000000002', '01900000-0000-7000-8000-000000000001')
ON CONFLICT DO NOTHING;

INSERT INTO entity_follows (user_id, entity_id) VALUES
    ('01900000-0000-7000-8000-000000000001', '01900000-0000-7000-8000-000000000101'),
    ('01900000-0000-7000-8000-000000000002', '01900000-0000-7000-8000-000000000102')
ON CONFLICT DO NOTHING;

INSERT INTO user_blocks (blocker_id, blocked_id) VALUES
    ('01900000-0000-7000-8000-000000000002', '01900000-0000-7000-8000-000000000003')
ON CONFLICT DO NOTHING;

INSERT INTO posts (id, author_id, body, created_at) VALUES
    ('01900000-0000-7000-8000-000000001001', '01900000-0000-7000-8000-000000000001', 'First run of the season along the river.', now() - interval '3 hours'),
    ('01900000-0000-7000-8000-000000001002', '01900000-0000-7000-8000-000000000002', 'Paddock FC won 2–1 tonight!', now() - interval '2 hours'),
    ('01900000-0000-7000-8000-000000001003', '01900000-0000-7000-8000-000000000003', 'Sunset over the Tagus.', now() - interval '90 minutes'),
    ('01900000-0000-7000-8000-000000001004', '01900000-0000-7000-8000-000000000003', 'Hill repeats in Monsanto: who is in?', now() - interval '1 hour'),
    ('01900000-0000-7000-8000-000000001005', '01900000-0000-7000-8000-000000000002', 'Training moved to Thursday.', now() - interval '10 minutes')
ON CONFLICT DO NOTHING;

INSERT INTO post_targets (post_id, entity_id) VALUES
    ('01900000-0000-7000-8000-000000001001', '01900000-0000-7000-8000-000000000101'),
    ('01900000-0000-7000-8000-000000001002', '01900000-0000-7000-8000-000000000102'),
    ('01900000-0000-7000-8000-000000001003', '01900000-0000-7000-8000-000000000103'),
    ('01900000-0000-7000-8000-000000001004', '01900000-0000-7000-8000-000000000101'),
    ('01900000-0000-7000-8000-000000001004', '01900000-0000-7000-8000-000000000103'),
    ('01900000-0000-7000-8000-000000001005', '01900000-0000-7000-8000-000000000102')
ON CONFLICT DO NOTHING;

INSERT INTO post_actions (user_id, post_id, type) VALUES
    ('01900000-0000-7000-8000-000000000001', '01900000-0000-7000-8000-000000001002', 'like'),
    ('01900000-0000-7000-8000-000000000003', '01900000-0000-7000-8000-000000001002', 'like')
ON CONFLICT DO NOTHING;
