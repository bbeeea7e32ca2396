-- Table privileges hang off one NOLOGIN role; the application's login user(s) are granted into it
-- (GRANT paddock_app TO <login>), so rotating or adding a login never touches table grants.
--
-- Roles are cluster-wide: another database of the same cluster (staging next to prod, a second test
-- database) may have created it already. On managed PostgreSQL the migrator is not a superuser and
-- may lack CREATEROLE, so creation is attempted only when the role is missing, and an existing role
-- is used as it is.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'paddock_app') THEN
        CREATE ROLE paddock_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
        NULL; -- lost a race with a migration of another database in the same cluster: the role exists
    WHEN insufficient_privilege THEN
        RAISE EXCEPTION 'role paddock_app does not exist and % may not create it', current_user
            USING HINT = 'an administrator runs CREATE ROLE paddock_app NOLOGIN once; then migrate again';
END
$$;
