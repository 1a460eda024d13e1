/**
 * Records the statements a database sends (pass `onStatement` to `buildTestServices` or
 * `createLineTestKit`) while `during` runs, so a test can bound how many a path takes. Transaction control
 * (BEGIN, COMMIT, ROLLBACK) is left out: node-postgres reports it and PGlite does not.
 */
export function createStatementLog() {
  let recording: string[] | undefined;
  return {
    onStatement: (sql: string) => {
      if (recording && !/^\s*(begin|commit|rollback)\b/i.test(sql)) recording.push(sql);
    },
    /** The statements sent while `work` ran. */
    during: async (work: () => Promise<unknown>): Promise<string[]> => {
      const statements: string[] = [];
      recording = statements;
      try {
        await work();
      } finally {
        recording = undefined;
      }
      return statements;
    },
  };
}
