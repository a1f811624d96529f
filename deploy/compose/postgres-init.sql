-- Runs once, on the first start of the compose Postgres (empty data volume).
-- The apps share database `hubheap`, each in its own schema (webhook-intake: `webhook_intake`,
-- created and migrated by the app at boot). Apicurio Registry keeps its schemas in its own database.
CREATE DATABASE registry;
