import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { type FlagRun, flagBindingsFor } from "./test/helpers/flag-runs.ts";
import { ALERT_RECEIVERS_KEY } from "./test/helpers/node/alert-receivers/addresses.ts";
import { MAIL_SERVERS_KEY, TARGETS_KEY, WEBHOOK_RECEIVER_KEY } from "./test/helpers/target-addresses.ts";
import { ADMIN_TOKEN_FOR_TESTS, LINK_SECRET_FOR_TESTS } from "./test/helpers/test-secrets.ts";

/**
 * `unit` runs the unit tests inside workerd; they touch no storage, so files
 * share workerd instances (`isolate: false`: a sixth of the time). `workers`
 * runs the integration tests inside workerd with the real
 * bindings from wrangler.toml; its global setup starts real probe targets on
 * 127.0.0.1, whose addresses reach the tests as the `TARGETS` binding. The
 * integration tests run three times, each with its own flag values set the
 * way wrangler.toml would set them (FLAG_<NAME>; test/helpers/flag-runs.ts):
 * `workers` with production's defaults (automatic incidents off), `flags-on`
 * with every flag on (local dev's and staging's defaults too), `flags-off`
 * with every flag off. FLAG_RUN names the run, and
 * test/integration/flag-runs.test.ts checks that its values reach the Worker
 * and the objects. A test that needs a flag pins it for itself and puts it
 * back (test/helpers/workers/flags.ts); nothing else may depend on one.
 * `e2e` runs in Node and drives the Worker the way `npm start` runs it,
 * through a real browser.
 */
function workersProject(
  name: string,
  include: string[],
  run: FlagRun,
  exclude: string[] = [],
  isolate = true,
): TestProjectInlineConfiguration {
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            LOG_LEVEL: "warn",
            HEARTBEAT_SECRET: "test-heartbeat-secret",
            LINK_SECRET: LINK_SECRET_FOR_TESTS,
            ADMIN_TOKEN: ADMIN_TOKEN_FOR_TESTS,
            TARGETS: inject(TARGETS_KEY),
            MAIL_SERVERS: inject(MAIL_SERVERS_KEY),
            WEBHOOK_RECEIVER: inject(WEBHOOK_RECEIVER_KEY),
            ALERT_RECEIVERS: inject(ALERT_RECEIVERS_KEY),
            // A hanging receiver is given up on after 3 s rather than 30, to keep the suite quick.
            WEBHOOK_TIMEOUT_SECONDS: "3",
            // The outbox sends to the test's own SMTP server; links in mails point where fetchWorker asks.
            SMTP_HOST: inject(MAIL_SERVERS_KEY).host,
            SMTP_PORT: String(inject(MAIL_SERVERS_KEY).normal),
            SMTP_TLS: "none",
            MAIL_FROM: "Acme Status <status@acme.example>",
            PUBLIC_URL: "https://status.test",
            ...flagBindingsFor(run),
          },
        },
      })),
    ],
    test: { name, globalSetup: ["test/global-setup.ts"], include, exclude, isolate },
  };
}

const integration = ["test/integration/**/*.test.{ts,tsx}"];
const FUZZ = "test/integration/api-fuzz.test.ts";
/** The console reads no flag: its pages and forms act the same whatever the flags say. */
const CONSOLE = "test/integration/console/**";

export default defineConfig({
  test: {
    projects: [
      // Unit tests read no binding a flag run sets and no storage: they run once, sharing workerd instances.
      workersProject("unit", ["test/unit/**/*.test.{ts,tsx}"], "production-defaults", [], false),
      workersProject("workers", integration, "production-defaults"),
      // The fuzz test throws thousands of requests at the API, which no flag changes: once is enough;
      // so are the console's tests.
      workersProject("flags-on", integration, "all-on", [FUZZ, CONSOLE]),
      workersProject("flags-off", integration, "all-off", [FUZZ, CONSOLE]),
      {
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Each file starts its own Lookout, but the demo targets' ports are fixed: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
