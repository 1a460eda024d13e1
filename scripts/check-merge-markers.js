// `npm run check`: fails when a tracked file still holds a merge's conflict markers. Prettier skips
// Markdown (.prettierignore), so a bad merge of README.md once reached main unseen (2026-12-07).
import { execFileSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
let found = '';
try {
  found = execFileSync('git', ['grep', '-n', '-I', '-E', '^(<<<<<<< |>>>>>>> |=======$)'], {
    cwd: root,
    encoding: 'utf8',
  });
} catch (error) {
  // git grep exits 1 when nothing matched; anything else (no git, not a checkout) is a real failure.
  if (error.status !== 1) throw error;
}
if (found) {
  console.error(`merge conflict markers left in tracked files:\n${found}`);
  process.exit(1);
}
