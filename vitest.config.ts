import { defineConfig } from "vitest/config";

// Three projects: pure unit tests (no I/O), integration tests on a real PostgreSQL
// (embedded by default, TEST_DATABASE_URL for an external server), and end-to-end tests
// driving Chromium against a real server (Debian's, else npm @sparticuz/chromium's: see
// test/support/chromium.ts). A fourth, `cluster` (app processes on the machine's PostgreSQL),
// exists only with MOTCUA_CLUSTER_TESTS=1: `npm run test:cluster`.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/unit/**/*.test.ts", "test/unit/**/*.test.tsx"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts", "test/integration/**/*.test.tsx"],
          globalSetup: ["test/support/global-db.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/support/global-db.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
        },
      },
      ...(process.env.MOTCUA_CLUSTER_TESTS
        ? [
            {
              extends: true as const,
              test: { name: "cluster", include: ["test/cluster/**/*.test.ts"], testTimeout: 600_000, hookTimeout: 300_000, pool: "forks" as const },
            },
          ]
        : []),
    ],
  },
});
