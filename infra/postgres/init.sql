-- Creates the databases of the services that keep data in PostgreSQL.
-- Each service owns its database and creates its own tables (Flyway); nothing else lives here.
-- Safe to run again: the Docker image runs it once on an empty data directory, and
-- infra/local/run.sh runs it on every start with `psql -h localhost -U postgres -f`.
SELECT 'CREATE DATABASE preference'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'preference')\gexec

SELECT 'CREATE DATABASE routing'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'routing')\gexec

SELECT 'CREATE DATABASE gateway'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'gateway')\gexec
