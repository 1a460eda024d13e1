/** Environment keys the global setup (test/setup/global-setup.mjs) uses to hand the migrated templates to the test workers. */
export const TEMPLATE_ENV = {
  pgliteTemplatePath: 'PROOFLINE_TEST_PGLITE_TEMPLATE',
  postgresTemplateName: 'PROOFLINE_TEST_PG_TEMPLATE',
  tempDir: 'PROOFLINE_TEST_TMP',
  /** The CLI compiled to JavaScript, in the checkout's layout (test/setup/test-cli.mjs). */
  compiledDir: 'PROOFLINE_TEST_COMPILED',
} as const;
