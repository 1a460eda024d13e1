import { rmSync } from 'node:fs';
import pg from 'pg';

export default async function globalTeardown() {
  const dir = process.env.PROOFLINE_TEST_TMP;
  if (dir) rmSync(dir, { recursive: true, force: true });

  const serverUrl = process.env.TEST_DATABASE_URL;
  const templateName = process.env.PROOFLINE_TEST_PG_TEMPLATE;
  if (serverUrl && templateName) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    // Test files drop their own copies; this sweeps up after files that crashed.
    const { rows } = await admin.query(
      `select datname from pg_database where datname = $1 or datname like $2`,
      [templateName, `${templateName.replace('_tpl_', '_t_')}%`],
    );
    for (const { datname } of rows) await admin.query(`drop database if exists ${datname} with (force)`);
    await admin.end();
  }
}
