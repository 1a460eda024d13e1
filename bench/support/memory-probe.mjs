// A preload (`node --import ./bench/support/memory-probe.mjs …`) for `npm run bench -- memory`: on SIGUSR2 the
// process writes where its memory is to PROOFLINE_MEMORY_PROBE_OUT (JSON), per thread. Every thread loads it
// (Node runs `--import` in worker threads too): each answers the main thread's ask on a BroadcastChannel
// with its own isolate's figures and the byteLength of the WebAssembly memories it made (PGlite's, in its
// thread). The process-wide part comes from /proc/self/smaps: resident anonymous memory by kind of mapping.
// No imports of the app, so it measures the process without changing what it loads.
import fs from 'node:fs';
import v8 from 'node:v8';
import { isMainThread, threadId, workerData, BroadcastChannel } from 'node:worker_threads';

const CHANNEL = 'proofline-memory-probe';
const memories = [];

// Emscripten makes its memory with `new WebAssembly.Memory` (imported) or the module exports one.
const OriginalMemory = WebAssembly.Memory;
WebAssembly.Memory = new Proxy(OriginalMemory, {
  construct(target, args, newTarget) {
    const memory = Reflect.construct(target, args, newTarget === WebAssembly.Memory ? target : newTarget);
    memories.push(new WeakRef(memory));
    return memory;
  },
});
const noteExports = (instance) => {
  for (const value of Object.values(instance?.exports ?? {}))
    if (value instanceof OriginalMemory && !memories.some((ref) => ref.deref() === value))
      memories.push(new WeakRef(value));
};
const originalInstantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async function instantiate(...args) {
  const result = await originalInstantiate.apply(this, args);
  noteExports(result instanceof WebAssembly.Instance ? result : result.instance);
  return result;
};

const mb = (bytes) => Math.round((bytes / 1048576) * 10) / 10;

function threadFigures() {
  const usage = process.memoryUsage();
  const heap = v8.getHeapStatistics();
  const spaces = {};
  for (const space of v8.getHeapSpaceStatistics())
    spaces[space.space_name] = {
      size: mb(space.space_size),
      used: mb(space.space_used_size),
      physical: mb(space.physical_space_size),
    };
  const wasm = memories.map((ref) => ref.deref()).filter(Boolean);
  return {
    thread: isMainThread ? 'main' : workerData && workerData.pgliteUrl ? 'pglite' : `worker ${threadId}`,
    heapTotal: mb(usage.heapTotal),
    heapUsed: mb(usage.heapUsed),
    external: mb(usage.external),
    arrayBuffers: mb(usage.arrayBuffers),
    heapPhysical: mb(heap.total_physical_size),
    malloced: mb(heap.malloced_memory),
    peakMalloced: mb(heap.peak_malloced_memory),
    wasmMemory: mb(wasm.reduce((sum, memory) => sum + memory.buffer.byteLength, 0)),
    spaces,
  };
}

/**
 * Resident MB of /proc/self/smaps by kind: the node binary, other files, [heap] (glibc's main arena), glibc's
 * thread arenas, the rest of the anonymous memory (V8's heaps and code, wasm memories, thread stacks).
 */
function smapsByKind() {
  const kinds = { nodeBinary: 0, otherFiles: 0, brkHeap: 0, threadArenas: 0, anonOther: 0 };
  const ARENA_ALIGNMENT = 64 * 1048576;
  let kind = 'anonOther';
  const text = fs.readFileSync('/proc/self/smaps', 'utf8');
  for (const line of text.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const start = parseInt(header[1], 16);
      const size = parseInt(header[2], 16) - start;
      const path = header[3];
      if (path === process.execPath) kind = 'nodeBinary';
      else if (path.startsWith('/')) kind = 'otherFiles';
      else if (path === '[heap]') kind = 'brkHeap';
      // A glibc thread arena is a 64 MB-aligned reservation whose used part is mapped read-write from its
      // start (V8 aligns its pages to 256 KB, its cage to 4 GB: a 64 MB-aligned start of a smaller
      // anonymous mapping is almost always an arena).
      else if (path === '' && start % ARENA_ALIGNMENT === 0 && size <= ARENA_ALIGNMENT) kind = 'threadArenas';
      else kind = 'anonOther';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) kinds[kind] += Number(rss[1]);
  }
  const out = {};
  for (const [name, kb] of Object.entries(kinds)) out[name] = Math.round(kb / 1024);
  return out;
}

function rollup() {
  const text = fs.readFileSync('/proc/self/smaps_rollup', 'utf8');
  const field = (name) =>
    Math.round(Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) / 1024);
  return {
    rss: field('Rss'),
    anonymous: field('Anonymous'),
    file: field('Rss') - field('Anonymous') - field('Shmem'),
    shmem: field('Shmem'),
  };
}

const channel = new BroadcastChannel(CHANNEL);
if (isMainThread) {
  const out = process.env.PROOFLINE_MEMORY_PROBE_OUT;
  if (out)
    process.on('SIGUSR2', () => {
      const asked = Date.now();
      const threads = [];
      const collect = (event) => {
        if (event.data && event.data.asked === asked) threads.push(event.data.figures);
      };
      channel.onmessage = collect;
      channel.unref();
      channel.postMessage({ ask: asked });
      // The other threads answer from their own event loops (at a high load, not at once).
      setTimeout(() => {
        channel.onmessage = null;
        const report = { rollup: rollup(), smaps: smapsByKind(), threads: [threadFigures(), ...threads] };
        fs.writeFileSync(out, JSON.stringify(report));
      }, 3000).unref();
    });
} else {
  channel.onmessage = (event) => {
    if (event.data && event.data.ask)
      channel.postMessage({ asked: event.data.ask, figures: threadFigures() });
  };
}
// Listening must not keep a thread (or the process) alive.
channel.unref();
