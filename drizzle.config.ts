import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './core/db/schema.ts',
  out: './core/db/migrations',
  // SQL must run on PostgreSQL 15 (the server) as well as PGlite (PostgreSQL 18).
  strict: true,
  verbose: false,
});
