import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MemoryFS } from '@electric-sql/pglite';

/** Where PGlite keeps its data directory in its in-memory file system (PGDATA in @electric-sql/pglite). */
const PGLITE_PGDATA = '/pglite/data';

type TemplateEntry = { path: string; directory: boolean; offset: number; size: number };
type Template = { path: string; tar: Buffer; entries: TemplateEntry[] };

/**
 * The run's migrated template (a tar: test/setup/pglite-template-cache.mjs), read and indexed once per
 * test file. PGlite's own `loadDataDir` goes through a Blob, a JS tar reader and a path lookup per file
 * (~1,400 files, 44 MB): about two thirds of a test database's start.
 */
let cached: Template | undefined;

function template(templatePath: string): Template {
  if (cached?.path !== templatePath) {
    const tar = readFileSync(templatePath);
    cached = { path: templatePath, tar, entries: parseTar(tar) };
  }
  return cached;
}

/** A ustar reader for what the template's tar holds: regular files and directories, no links. */
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
    if (type === '5') entries.push({ path, directory: true, offset: 0, size: 0 });
    else if (type === '0') entries.push({ path, directory: false, offset: offset + 512, size });
    else throw new Error(`pglite template: unexpected tar entry type ${type} (${name})`);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

type EmscriptenFs = {
  mkdirTree(path: string): void;
  writeFile(path: string, data: Uint8Array, options?: { canOwn?: boolean }): void;
};

/**
 * PGlite's in-memory file system with the template written straight into it before PostgreSQL starts
 * (PGlite then finds PG_VERSION and resumes, as on any existing data directory): `PGlite.create({ fs })`
 * instead of `{ loadDataDir }`. The instance gets one copy of the whole tar and its files are views into
 * that copy (`canOwn`: MEMFS keeps the view instead of allocating and copying each of ~1,400 files), so
 * PostgreSQL's writes land in this instance's memory only; a folder is made once, not once per file in it.
 */
export class TemplateMemoryFS extends MemoryFS {
  constructor(private readonly templatePath: string) {
    super();
  }

  override async initialSyncFs(): Promise<void> {
    const fs = (this.pg as unknown as { Module: { FS: EmscriptenFs } }).Module.FS;
    const { tar, entries } = template(this.templatePath);
    // A plain Uint8Array of its own, not a Buffer (a Buffer's `slice` is a view of the one template).
    const copy = new Uint8Array(tar);
    const made = new Set<string>();
    const folder = (path: string) => {
      if (made.has(path)) return;
      fs.mkdirTree(path);
      made.add(path);
    };
    for (const entry of entries) {
      const path = entry.path ? `${PGLITE_PGDATA}/${entry.path}` : PGLITE_PGDATA;
      if (entry.directory) folder(path);
      else {
        folder(dirname(path));
        fs.writeFile(path, copy.subarray(entry.offset, entry.offset + entry.size), { canOwn: true });
      }
    }
  }
}

/** Writes the template into `dir` as a PGlite data directory on disk (what `loadDataDir` with a `dataDir` leaves). */
export function extractTemplate(templatePath: string, dir: string): void {
  const { tar, entries } = template(templatePath);
  for (const entry of entries) {
    const path = join(dir, entry.path);
    if (entry.directory) mkdirSync(path, { recursive: true, mode: 0o700 });
    else {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, tar.subarray(entry.offset, entry.offset + entry.size), { mode: 0o600 });
    }
  }
}
