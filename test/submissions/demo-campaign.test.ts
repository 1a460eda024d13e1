import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import { submissions } from '../../core/db/schema.js';
import { seedDemo, seedDemoSurvey } from '../../core/demo/seed-demo.js';
import { findChatSurveyInvitation } from '../../core/surveys/index.js';
import { submitProof } from '../../core/submissions/index.js';
import { buildEInvoicePlatform } from '../../core/verification/index.js';
import { loadDemoDataset, startMofSimulator, type RunningMofSimulator } from '../../sim/mof/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';

/** Local mode's promise: the demo campaign accepts the MoF simulator's demo invoices that sell tea. */
describe('demo campaign against the demo data set', () => {
  let services: TestServices;
  let sim: RunningMofSimulator;

  beforeAll(async () => {
    sim = await startMofSimulator({ dataset: loadDemoDataset() });
    services = await buildTestServices({
      now: '2026-01-15T04:00:00Z',
      config: { mof: { apiBaseUrl: sim.url, maxRetries: 0 } },
    });
  });
  afterAll(async () => {
    await sim.close();
    await services.database.close();
  });

  test('a demo invoice with tea earns points; one without tea is refused with the reason', async () => {
    const { brand, campaign } = await seedDemo(services);
    await services.database.db.insert((await import('../../core/db/schema.js')).members).values({
      id: 'mbr_demo',
      brandId: brand.id,
      lineUserId: 'U_demo',
      locale: 'zh-TW',
    });
    const deps = {
      db: services.database.db,
      platform: buildEInvoicePlatform(services.config),
      clock: services.clock,
      generateId: services.generateId,
    };
    const send = (text: string, sourceRef: string) =>
      submitProof(deps, {
        brandId: brand.id,
        memberId: 'mbr_demo',
        channel: 'chat',
        sourceRef,
        input: { type: 'text', text },
      });

    // BN61755155, 2024-08-05, 2 × 御茶園特撰冰釀綠茶 at NT$104: NT$208 of tea → 20 points.
    const tea = await send('BN61755155 1130805 4632', 'demo-1');
    // KR46492518: 蘋果西打 only.
    const noTea = await send('KR-46492518 2024/01/04 ' + randomCodeOf('KR46492518'), 'demo-2');

    expect(tea).toMatchObject({ outcome: 'accepted', submission: { campaignId: campaign.id } });
    expect(tea.rewards?.quantities).toEqual({ points: 20, entries: 1, instantWin: true });
    expect(noTea).toMatchObject({
      outcome: 'rejected',
      submission: { reasonCode: 'rules.item_groups.no_match' },
    });
  });

  test('the demo survey is asked in the chat after an accepted proof, once (seeding it again adds none)', async () => {
    const demo = await seedDemo(services);
    expect(await seedDemoSurvey(services, demo)).toEqual({ created: true });
    expect(await seedDemoSurvey(services, demo)).toEqual({ created: false });
    const [accepted] = await services.database.db
      .select()
      .from(submissions)
      .where(eq(submissions.sourceRef, 'demo-1'));

    const invitation = await findChatSurveyInvitation(services.database.db, {
      brandId: demo.brand.id,
      memberId: 'mbr_demo',
      submissionId: accepted!.id,
    });

    expect(invitation).toMatchObject({ kind: 'question', question: { key: 'where' } });
  });
});

function randomCodeOf(invoiceNumber: string): string {
  const invoice = loadDemoDataset().invoices.find((candidate) => candidate.invoiceNumber === invoiceNumber);
  return invoice?.randomCode ?? '0000';
}
