import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'data/',
      'coverage/',
      'test-results/',
      '.tmp/',
      '**/dist/',
      'core/db/migrations/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Only the entry points read the environment; everything else gets a typed Config.
    files: ['core/**/*.ts', 'sim/**/*.ts', 'jobs/**/*.ts', 'bot/**/*.ts'],
    ignores: ['core/config/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through core/config (parseConfig).',
        },
      ],
    },
  },
  {
    // The house shape: core/ is the domain (no bot/, jobs/ or sim/); jobs/ never reaches into bot/.
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/bot/**', '**/jobs/**', '**/sim/**'],
              message: 'core/ never imports bot/, jobs/ or sim/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['jobs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/bot/**'], message: 'jobs/ never imports bot/: wire through core/.' }] },
      ],
    },
  },
  {
    files: ['liff-app/**/*.ts', 'console-app/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
