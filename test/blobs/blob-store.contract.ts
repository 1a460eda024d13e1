import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import type { BlobStore } from '../../core/blobs/index.js';

/**
 * What every BlobStore must do, run against the memory, local-directory and S3 (simulator) stores.
 * `getStore` is called inside tests, after beforeAll; each suite gets its own key prefix.
 */
export function runBlobStoreContractSuite(name: string, getStore: () => BlobStore) {
  describe(`BlobStore contract: ${name}`, () => {
    const prefix = `brd_contract_${name.replace(/[^a-z0-9]/gi, '_')}`;

    test('when binary bytes are stored, then they read back identical and exist', async () => {
      const store = getStore();
      const bytes = Buffer.concat([Buffer.from([0, 255, 0, 10, 13]), randomBytes(256 * 1024)]);
      const key = `${prefix}/ab/photo.jpg`;

      await store.put(key, bytes, { contentType: 'image/jpeg' });

      expect((await store.get(key))?.equals(bytes)).toBe(true);
      expect(await store.exists(key)).toBe(true);
    });

    test('when an empty blob is stored, then it reads back empty (not as missing)', async () => {
      const store = getStore();
      await store.put(`${prefix}/empty.bin`, Buffer.alloc(0), { contentType: 'application/octet-stream' });
      const back = await store.get(`${prefix}/empty.bin`);
      expect(back).toBeInstanceOf(Buffer);
      expect(back?.length).toBe(0);
    });

    test('when a key was never stored, then get is undefined, exists false, delete a no-op', async () => {
      const store = getStore();
      expect(await store.get(`${prefix}/none/missing.png`)).toBeUndefined();
      expect(await store.exists(`${prefix}/none/missing.png`)).toBe(false);
      await expect(store.delete(`${prefix}/none/missing.png`)).resolves.toBeUndefined();
    });

    test('when the same bytes are stored again under the same key, then nothing changes', async () => {
      const store = getStore();
      const bytes = randomBytes(1000);
      await store.put(`${prefix}/cd/same.png`, bytes, { contentType: 'image/png' });
      await store.put(`${prefix}/cd/same.png`, bytes, { contentType: 'image/png' });
      expect((await store.get(`${prefix}/cd/same.png`))?.equals(bytes)).toBe(true);
    });

    test('when keys share a prefix, then each is its own blob; delete removes only its key', async () => {
      const store = getStore();
      await store.put(`${prefix}/ef/a.jpg`, Buffer.from('one'), { contentType: 'image/jpeg' });
      await store.put(`${prefix}/ef/a.jpg.bak`, Buffer.from('two'), { contentType: 'image/jpeg' });

      await store.delete(`${prefix}/ef/a.jpg`);

      expect(await store.exists(`${prefix}/ef/a.jpg`)).toBe(false);
      expect(await store.get(`${prefix}/ef/a.jpg`)).toBeUndefined();
      expect((await store.get(`${prefix}/ef/a.jpg.bak`))?.toString()).toBe('two');
    });

    test('when a file is stored with putFile, then getStream reads the same bytes (stores that offer them)', async () => {
      const store = getStore();
      if (!store.putFile || !store.getStream) return;
      const dir = await mkdtemp(join(tmpdir(), 'proofline-blob-file-'));
      try {
        const bytes = Buffer.from('submission_id,amount\nsub_1,1.5\n');
        await writeFile(join(dir, 'export.csv'), bytes);
        await store.putFile(`${prefix}/exports/x.csv`, join(dir, 'export.csv'), { contentType: 'text/csv' });
        const stream = await store.getStream(`${prefix}/exports/x.csv`);
        const chunks: Buffer[] = [];
        for await (const chunk of stream!) chunks.push(chunk as Buffer);
        expect(Buffer.concat(chunks)).toEqual(bytes);
        expect(await store.get(`${prefix}/exports/x.csv`)).toEqual(bytes);
        expect(await store.getStream(`${prefix}/exports/missing.csv`)).toBeUndefined();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    test.each([
      '../escape.jpg',
      `${prefix}/../../etc/passwd`,
      '/absolute.jpg',
      `${prefix}/./x.jpg`,
      '.hidden',
    ])('when a key tries to leave the store (%s), then every operation refuses it', async (key) => {
      const store = getStore();
      await expect(store.put(key, Buffer.from('x'), { contentType: 'image/jpeg' })).rejects.toThrow(
        /Unsafe blob key/,
      );
      await expect(store.get(key)).rejects.toThrow(/Unsafe blob key/);
      await expect(store.exists(key)).rejects.toThrow(/Unsafe blob key/);
      await expect(store.delete(key)).rejects.toThrow(/Unsafe blob key/);
    });
  });
}
