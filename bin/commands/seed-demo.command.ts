import { seedDemoReview } from '../../core/demo/seed-demo-review.js';
import { seedDemo, seedDemoSurvey } from '../../core/demo/seed-demo.js';
import type { Command } from './command.js';
import { connectOrReport, loadConfigOrReport } from './shared.js';

export const seedDemoCommand: Command = {
  name: 'seed-demo',
  usage: 'seed-demo',
  summary: 'Create the demo brand, its simulated LINE channel and a running campaign (idempotent).',
  run: async () => {
    const config = loadConfigOrReport();
    if (!config) return 1;
    const services = await connectOrReport(config);
    if (!services) return 1;
    try {
      await services.database.migrate();
      const { brand, channel, campaign, created } = await seedDemo(services);
      await seedDemoSurvey(services, { brand, campaign });
      await seedDemoReview(services, { brand, channel, campaign });
      console.log(
        JSON.stringify(
          {
            created,
            brand: { id: brand.id, slug: brand.slug },
            channel: { id: channel.id, lineChannelId: channel.lineChannelId },
            campaign: { id: campaign.id, slug: campaign.slug },
          },
          null,
          2,
        ),
      );
      return 0;
    } finally {
      await services.database.close();
    }
  },
};
