import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { checkChaosRound } from '../../scripts/chaos/chaos.checks.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** The chaos round's verdict must see a loss or a duplicate when there is one. */
describe('checkChaosRound', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  test('when an event LINE delivered was never stored and LINE got a message nobody sent, then both are named', async () => {
    const message = { userId: 'U1', via: 'push', messages: [{ type: 'text', text: 'hi' }] };

    const { problems, counts } = await checkChaosRound(database.db, {
      sentEventIds: ['01LOSTEVENT'],
      proofKinds: { typed: 1 },
      delivered: [message, message],
    });

    expect(problems).toEqual([
      'events LINE delivered but never stored: 1 (01LOSTEVENT)',
      expect.stringMatching(/^messages LINE received more often than they were sent: 1 \(U1\|/),
    ]);
    expect(counts.answers.receivedAtLine).toBe(2);
  });

  test('when nothing was sent and nothing received, then there is no problem', async () => {
    const { problems } = await checkChaosRound(database.db, {
      sentEventIds: [],
      proofKinds: {},
      delivered: [],
    });

    expect(problems).toEqual([]);
  });
});
