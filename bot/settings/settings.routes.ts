import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { broadcastSettingsPatchSchema } from '../../core/broadcasts/index.js';
import type { RichMenuDefinition, LineMessenger } from '../../core/messaging/index.js';
import {
  addBrandChannel,
  getBrandSettings,
  setupChannelRichMenu,
  testChannelCredentials,
  updateBrandChannel,
  updateBrandProfile,
  updateBroadcastSettings,
  type SettingsDeps,
} from '../../core/settings/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { consoleActorOf, type ConsoleGuard } from '../console/console.guard.js';
import { parseConsoleInput } from '../console/console.parse.js';
import { requireJsonForMutations } from '../middlewares/csrf.js';

/** The rich menu the console sets up (the same files as `proofline line setup-richmenu`). */
export const RICH_MENU_DEFINITION_PATH = join(projectRoot, 'bot', 'richmenu', 'richmenu.json');
export const RICH_MENU_IMAGE_PATH = join(projectRoot, 'bot', 'richmenu', 'richmenu.png');

const nameSchema = z.string().trim().min(1).max(120);
const liffIdSchema = z
  .string()
  .trim()
  .regex(/^\d{6,}-[A-Za-z0-9]{4,}$/, 'a LIFF id looks like 1234567890-AbCdEfGh')
  .nullish();
const loginChannelIdSchema = z
  .string()
  .trim()
  .regex(/^\d{6,}$/, 'the numeric LINE Login channel id')
  .nullish();
const secretSchema = z.string().trim().min(8, 'at least 8 characters').max(200);
const tokenSchema = z.string().trim().min(10, 'at least 10 characters').max(1000);

const brandPatchSchema = z
  .object({
    name: nameSchema.optional(),
    country: z.enum(['TW', 'TH']).optional(),
    timezone: z.string().trim().min(1).max(64).optional(),
    defaultLocale: z.enum(['zh-TW', 'th', 'en']).optional(),
  })
  .strict();
const newChannelSchema = z
  .object({
    lineChannelId: z
      .string()
      .trim()
      .regex(/^\d{6,}$/, 'the numeric LINE channel id (Basic settings)'),
    name: nameSchema,
    channelSecret: secretSchema,
    channelAccessToken: tokenSchema,
    liffId: liffIdSchema,
    loginChannelId: loginChannelIdSchema,
  })
  .strict();
/** Secrets left out (or empty) keep their value: the console never has them to send back. */
const channelPatchSchema = z
  .object({
    name: nameSchema.optional(),
    channelSecret: z.union([z.literal(''), secretSchema]).optional(),
    channelAccessToken: z.union([z.literal(''), tokenSchema]).optional(),
    liffId: liffIdSchema.or(z.literal('')),
    loginChannelId: loginChannelIdSchema.or(z.literal('')),
  })
  .strict();

/**
 * The brand's settings: `GET /api/console/settings` (`settings.read`) — profile and LINE channels with
 * masked secrets and their webhook URLs, and the broadcast settings; changes (`settings.write`, owners):
 * `PATCH …/brand`, `PATCH …/broadcasts` (quiet hours, frequency cap, LINE plan),
 * `POST …/channels`, `PATCH …/channels/:channelId`, `POST …/channels/:channelId/test` (GET /v2/bot/info with
 * the token) and `POST …/channels/:channelId/rich-menu`. Every change is audited; no answer carries a secret.
 */
export function createSettingsRouter({
  deps,
  guard,
  messenger,
  publicBaseUrl,
  richMenu = () => ({
    definition: JSON.parse(readFileSync(RICH_MENU_DEFINITION_PATH, 'utf8')) as RichMenuDefinition,
    image: readFileSync(RICH_MENU_IMAGE_PATH),
  }),
}: {
  deps: SettingsDeps;
  guard: ConsoleGuard;
  messenger: LineMessenger;
  /** PUBLIC_BASE_URL; unset: the origin the request came to. */
  publicBaseUrl: string | undefined;
  richMenu?: () => { definition: RichMenuDefinition; image: Buffer };
}): Router {
  const router = Router();
  const basePath = '/api/console/settings';
  router.use(basePath, requireJsonForMutations);
  const baseUrlOf = (req: Request) => publicBaseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const actorOf = (res: Parameters<typeof consoleActorOf>[0]) => {
    const actor = consoleActorOf(res);
    return { userId: actor.userId, email: actor.email, brandId: actor.brandId };
  };
  const channelIdOf = (req: Request) => String(req.params.channelId);

  router.get(basePath, guard.require('settings.read'), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await getBrandSettings(deps, { brandId: consoleActorOf(res).brandId, baseUrl: baseUrlOf(req) }));
  });

  router.patch(`${basePath}/brand`, guard.require('settings.write'), async (req, res) => {
    const patch = parseConsoleInput(brandPatchSchema, req.body);
    res.json(await updateBrandProfile(deps, { actor: actorOf(res), patch }));
  });

  router.patch(`${basePath}/broadcasts`, guard.require('settings.write'), async (req, res) => {
    const patch = parseConsoleInput(broadcastSettingsPatchSchema, req.body);
    res.json(await updateBroadcastSettings(deps, { actor: actorOf(res), patch }));
  });

  router.post(`${basePath}/channels`, guard.require('settings.write'), async (req, res) => {
    const input = parseConsoleInput(newChannelSchema, req.body);
    res
      .status(201)
      .json(await addBrandChannel(deps, { actor: actorOf(res), input, baseUrl: baseUrlOf(req) }));
  });

  router.patch(`${basePath}/channels/:channelId`, guard.require('settings.write'), async (req, res) => {
    const body = parseConsoleInput(channelPatchSchema, req.body);
    const patch = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.channelSecret ? { channelSecret: body.channelSecret } : {}),
      ...(body.channelAccessToken ? { channelAccessToken: body.channelAccessToken } : {}),
      ...(body.liffId !== undefined ? { liffId: body.liffId || null } : {}),
      ...(body.loginChannelId !== undefined ? { loginChannelId: body.loginChannelId || null } : {}),
    };
    res.json(
      await updateBrandChannel(deps, {
        actor: actorOf(res),
        channelId: channelIdOf(req),
        patch,
        baseUrl: baseUrlOf(req),
      }),
    );
  });

  router.post(`${basePath}/channels/:channelId/test`, guard.require('settings.write'), async (req, res) => {
    res.json(
      await testChannelCredentials(
        { ...deps, messenger },
        { actor: actorOf(res), channelId: channelIdOf(req) },
      ),
    );
  });

  router.post(
    `${basePath}/channels/:channelId/rich-menu`,
    guard.require('settings.write'),
    async (req, res) => {
      res.json(
        await setupChannelRichMenu(
          { ...deps, messenger },
          { actor: actorOf(res), channelId: channelIdOf(req), ...richMenu() },
        ),
      );
    },
  );

  return router;
}
