-- What the gateway's login (toolgate_app) may do in the database the migrations built. Run as the owner
-- (toolgate_owner) after every migration (the `grants` job of docker-compose.yml); idempotent.
-- test/least-privilege.e2e-spec.ts runs this file and then the gateway as that login.
DO $$
BEGIN
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO toolgate_app', current_database());
END
$$;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO toolgate_app;

-- Rows of every table (the gateway inserts, updates and deletes in all but the audit trail).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO toolgate_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO toolgate_app;

-- The audit trail is append-only: read and append, nothing else.
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_events FROM toolgate_app;
-- The migrations' own bookkeeping is the owner's.
REVOKE ALL ON typeorm_migrations FROM toolgate_app;
