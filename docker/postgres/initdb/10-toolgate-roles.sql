-- Runs once, as the image's superuser, when the postgres container initialises an empty volume
-- (/docker-entrypoint-initdb.d). Two logins, neither a superuser:
--   toolgate_owner  owns the database, its schema and every table: the `migrate` job and `grants` use it;
--   toolgate_app    the gateway: row privileges only (docker/postgres/grants.sql), so it can neither switch
--                   off the append-only trigger of audit_events (owner only) nor drop the table.
-- CREATEDB and CREATEROLE let the gateway provision the demo database of the `database` tools
-- (toolgate_sample and its reader/writer logins); drop both when DATABASE_TOOLS_URL points elsewhere. Since
-- PostgreSQL 16 a CREATEROLE login manages only the roles it created: it cannot join or alter toolgate_owner.
\set ON_ERROR_STOP on
\getenv owner_password TOOLGATE_OWNER_PASSWORD
\getenv app_password TOOLGATE_APP_PASSWORD

CREATE ROLE toolgate_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION
  PASSWORD :'owner_password';
CREATE ROLE toolgate_app LOGIN NOSUPERUSER CREATEDB CREATEROLE NOBYPASSRLS NOREPLICATION
  PASSWORD :'app_password';
CREATE DATABASE toolgate OWNER toolgate_owner;
