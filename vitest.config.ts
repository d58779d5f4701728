import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TARGETS_KEY } from "./test/helpers/target-addresses.ts";
import { ADMIN_TOKEN_FOR_TESTS } from "./test/helpers/test-secrets.ts";

/**
 * Two projects: `workers` runs unit and integration tests inside workerd with
 * the real bindings from wrangler.toml; `e2e` runs in Node and drives the
 * Worker the way `npm start` runs it, through a real browser. The workers
 * project's global setup starts real probe targets on 127.0.0.1 and their
 * addresses reach the tests as the `TARGETS` binding.
 */
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                LOG_LEVEL: "warn",
                HEARTBEAT_SECRET: "test-heartbeat-secret",
                ADMIN_TOKEN: ADMIN_TOKEN_FOR_TESTS,
                TARGETS: inject(TARGETS_KEY),
              },
            },
          })),
        ],
        test: {
          name: "workers",
          globalSetup: ["test/global-setup.ts"],
          include: ["test/unit/**/*.test.{ts,tsx}", "test/integration/**/*.test.{ts,tsx}"],
        },
      },
      {
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
