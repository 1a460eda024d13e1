/**
 * The memory baseline: the smallest LINE bot there is — @line/bot-sdk's signature middleware on express,
 * answering 200 — run the way Proofline runs (Node + tsx), so the difference is Proofline's own.
 * Prints `listening <port>`.
 */
import { middleware } from '@line/bot-sdk';
import express from 'express';

const app = express();
app.post(
  '/webhook',
  middleware({ channelSecret: process.env.ECHO_CHANNEL_SECRET ?? 'echo-secret' }),
  (_req, res) => {
    res.sendStatus(200);
  },
);
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
