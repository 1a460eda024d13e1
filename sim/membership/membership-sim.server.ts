import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { DEMO_BRAND_SLUG } from '../../core/demo/seed-demo.js';
import { DEMO_THAI_BRAND_SLUG } from '../../core/demo/seed-demo-thai.js';

/** One membership the simulated brand system knows. */
export type SimMembership = { brandSlug: string; memberNo: string; phone: string; tier?: string };

/**
 * The demo brand's memberships in local mode (phones in E.164, as Proofline sends them), filed under the
 * slug the demo seed gives each brand, so the pairs printed in the start banner link.
 */
export const DEMO_MEMBERSHIPS: SimMembership[] = [
  { brandSlug: DEMO_BRAND_SLUG, memberNo: 'M0001234', phone: '+886912345678', tier: 'gold' },
  { brandSlug: DEMO_THAI_BRAND_SLUG, memberNo: 'M0005678', phone: '+66812345678', tier: 'silver' },
];

export type RunningMembershipSimulator = {
  url: string;
  /** Adds memberships at run time (tests). */
  add: (membership: SimMembership) => void;
  requestCount: () => number;
  close: () => Promise<void>;
};

/**
 * A brand's membership system as Proofline's HTTP adapter expects it:
 * `POST /v1/brands/:brand/memberships/lookup` `{ memberNo, phone }` → 200 `{ memberNo, tier }` when the
 * number belongs to that phone, 404 otherwise (the same answer for "no such number" and "wrong phone", so
 * the endpoint cannot be used to probe numbers), 401 without the key when one is set.
 */
export async function startMembershipSimulator({
  memberships = DEMO_MEMBERSHIPS,
  apiKey,
  host = '127.0.0.1',
  port = 0,
}: {
  memberships?: SimMembership[];
  apiKey?: string;
  host?: string;
  port?: number;
} = {}): Promise<RunningMembershipSimulator> {
  const known = [...memberships];
  let requests = 0;
  const app = express();
  app.use(express.json());
  app.post('/v1/brands/:brand/memberships/lookup', (req, res) => {
    requests += 1;
    if (apiKey && req.headers.authorization !== `Bearer ${apiKey}`) {
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    const { memberNo, phone } = (req.body ?? {}) as { memberNo?: unknown; phone?: unknown };
    const found = known.find(
      (m) => m.brandSlug === req.params.brand && m.memberNo === memberNo && m.phone === phone,
    );
    if (!found) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    res.json({ memberNo: found.memberNo, tier: found.tier });
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
    listening.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    add: (membership) => known.push(membership),
    requestCount: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
