import { defineConfig } from 'vitest/config';

const roots = ['packages/*/test/**/', 'services/*/test/**/', 'tests/**/', 'bench/test/**/'];

export default defineConfig({
  test: {
    reporters: ['default', './tests/summary-reporter.ts'],
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: roots.map((r) => `${r}*.test.ts`),
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Against the real engines, started once by the global setup.
        extends: true,
        test: {
          name: 'integration',
          include: roots.map((r) => `${r}*.int.test.ts`),
          globalSetup: ['tests/build-setup.ts', 'tests/engines/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // The engines are shared and the machine has 2 cores: one integration file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
