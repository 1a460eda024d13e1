import { DEMO_THAI_CATALOG, seedDemoRewards } from '../../core/demo/seed-demo-rewards.js';
import { seedDemoReview } from '../../core/demo/seed-demo-review.js';
import { seedDemo, seedDemoSurvey, type DemoSeed } from '../../core/demo/seed-demo.js';
import { seedThaiDemo } from '../../core/demo/seed-demo-thai.js';
import type { Command } from './command.js';
import { withCliServices } from './shared.js';

export const seedDemoCommand: Command = {
  name: 'seed-demo',
  usage: 'seed-demo',
  summary:
    'Create the demo brands (Taiwan demo-tea, Thai demo-th), their simulated LINE channels and running campaigns (idempotent).',
  run: async () => {
    return withCliServices({ migrate: true }, async (services) => {
      const demo = await seedDemo(services);
      await seedDemoSurvey(services, demo);
      await seedDemoRewards(services, demo);
      await seedDemoReview(services, demo);
      const thai = await seedThaiDemo(services);
      await seedDemoRewards(services, thai, DEMO_THAI_CATALOG);
      const describe = ({ brand, channel, campaign, created }: DemoSeed) => ({
        created,
        brand: { id: brand.id, slug: brand.slug },
        channel: { id: channel.id, lineChannelId: channel.lineChannelId },
        campaign: { id: campaign.id, slug: campaign.slug },
      });
      console.log(JSON.stringify({ ...describe(demo), thai: describe(thai) }, null, 2));
      return 0;
    });
  },
};
