import type { Command } from './command.js';
import { withCliServices } from './shared.js';

export const migrateCommand: Command = {
  name: 'migrate',
  usage: 'migrate',
  summary: 'Apply the database migrations (PGlite or DATABASE_URL) and exit.',
  run: async () => {
    return withCliServices({ migrate: true }, async (services) => {
      console.log(`Migrations applied (${services.database.driver}).`);
      return 0;
    });
  },
};
