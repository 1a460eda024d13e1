/**
 * The memory baseline: the smallest LINE bot there is — @line/bot-sdk's signature middleware on express,
 * answering 200 — run the way Proofline runs (plain Node: `npm start` runs the compiled sources), so the
 * difference is Proofline's own. Plain JavaScript, so that it needs no loader; the memory bench also runs
 * it through tsx (`node --import tsx`), to show what tsx costs a process.
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
