import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MemoryFS } from '@electric-sql/pglite';

/** Where PGlite keeps its data directory in its in-memory file system (PGDATA in @electric-sql/pglite). */
const PGLITE_PGDATA = '/pglite/data';

type TemplateEntry = { path: string; directory: boolean; data: Uint8Array };

/**
 * The run's migrated template (a `dumpDataDir('none')` tar), read and split into its files once per test
 * file: views into one buffer, nothing copied. PGlite's own `loadDataDir` goes through a Blob, a JS tar
 * reader and a path lookup per file (~1,400 files, 44 MB): about two thirds of a test database's start.
 */
let cached: { path: string; entries: TemplateEntry[] } | undefined;

function templateEntries(templatePath: string): TemplateEntry[] {
  if (cached?.path !== templatePath)
    cached = { path: templatePath, entries: parseTar(readFileSync(templatePath)) };
  return cached.entries;
}

/** A ustar reader for what PGlite's dumpDataDir writes: regular files and directories, no links. */
function parseTar(buffer: Buffer): TemplateEntry[] {
  const entries: TemplateEntry[] = [];
  const text = (offset: number, length: number): string => {
    const field = buffer.subarray(offset, offset + length);
    const end = field.indexOf(0);
    return field.subarray(0, end < 0 ? length : end).toString('latin1');
  };
  let offset = 0;
  while (offset + 512 <= buffer.length && buffer[offset] !== 0) {
    const prefix = text(offset + 345, 155);
    const name = `${prefix ? `${prefix}/` : ''}${text(offset, 100)}`;
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(buffer[offset + 156] || 0x30);
    const path = name.replace(/^\/+/, '').replace(/\/+$/, '');
    if (type === '5') entries.push({ path, directory: true, data: new Uint8Array(0) });
    // A plain Uint8Array, not a Buffer: Emscripten copies a file's data with `slice`, which on a Buffer
    // is a view, and the instances would then write into the one template in memory.
    else if (type === '0')
      entries.push({
        path,
        directory: false,
        data: new Uint8Array(buffer.buffer, buffer.byteOffset + offset + 512, size),
      });
    else throw new Error(`pglite template: unexpected tar entry type ${type} (${name})`);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

type EmscriptenFs = {
  mkdirTree(path: string): void;
  writeFile(path: string, data: Uint8Array): void;
};

/**
 * PGlite's in-memory file system with the template written straight into it before PostgreSQL starts
 * (PGlite then finds PG_VERSION and resumes, as on any existing data directory): `PGlite.create({ fs })`
 * instead of `{ loadDataDir }`. Each file is copied into the instance's own memory (never shared).
 */
export class TemplateMemoryFS extends MemoryFS {
  constructor(private readonly templatePath: string) {
    super();
  }

  override async initialSyncFs(): Promise<void> {
    const fs = (this.pg as unknown as { Module: { FS: EmscriptenFs } }).Module.FS;
    for (const entry of templateEntries(this.templatePath)) {
      const path = entry.path ? `${PGLITE_PGDATA}/${entry.path}` : PGLITE_PGDATA;
      if (entry.directory) fs.mkdirTree(path);
      else {
        fs.mkdirTree(dirname(path));
        fs.writeFile(path, entry.data);
      }
    }
  }
}

/** Writes the template into `dir` as a PGlite data directory on disk (what `loadDataDir` with a `dataDir` leaves). */
export function extractTemplate(templatePath: string, dir: string): void {
  for (const entry of templateEntries(templatePath)) {
    const path = join(dir, entry.path);
    if (entry.directory) mkdirSync(path, { recursive: true, mode: 0o700 });
    else {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, entry.data, { mode: 0o600 });
    }
  }
}
