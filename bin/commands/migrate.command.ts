import type { Command } from './command.js';
import { connectOrReport, loadConfigOrReport } from './shared.js';

export const migrateCommand: Command = {
  name: 'migrate',
  usage: 'migrate',
  summary: 'Apply the database migrations (PGlite or DATABASE_URL) and exit.',
  run: async () => {
    const config = loadConfigOrReport();
    if (!config) return 1;
    const services = await connectOrReport(config);
    if (!services) return 1;
    try {
      await services.database.migrate();
      console.log(`Migrations applied (${services.database.driver}).`);
      return 0;
    } finally {
      await services.database.close();
    }
  },
};
