/**
 * `npm start`: Lookout on this machine, offline, with no account. Checks the
 * config, makes an admin token on first run, runs `wrangler dev`, prints where
 * to go, and fires the cron heartbeat every minute (wrangler dev never does).
 *
 * The Worker never reads lookout.config.ts itself here: it reads the last
 * config that passed `scripts/check-config.ts` (an `[alias]` in the copy of
 * wrangler.toml that wrangler runs with points `#lookout-config` at it; `wrangler
 * dev` ignores the `--alias` flag). Saving the config re-runs the check; a config that
 * passes is applied (wrangler rebuilds), one that fails is reported once, with
 * the check's own list, and the last good one keeps serving.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, watchFile, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { LookoutConfig } from "../worker/core/config/schema.ts";
import { heartbeatToken } from "../worker/core/heartbeat-token.ts";
import { startTicker } from "./cron-ticker.ts";
import { DEMO_PROVIDER_KEY, DEMO_PROVIDER_PORT, startDemoProvider } from "./demo-provider.ts";
import { DEMO_HTTP_PORT, startDemoTargets } from "./demo-targets.ts";
import { MAIL_CATCHER_HTTP_PORT, MAIL_CATCHER_SMTP_PORT, startMailCatcher } from "./mail-catcher.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const port = Number(process.env.PORT ?? 8787);
const base = `http://127.0.0.1:${port}`;
/** A local call that hangs (wrangler restarting) is given up on, so the next tick is not held up forever. */
const CALL_TIMEOUT_MS = 30_000;
/** The config file to follow; LOOKOUT_CONFIG points elsewhere (the end-to-end tests use their own). */
const configPath = resolve(process.env.LOOKOUT_CONFIG ?? join(root, "lookout.config.ts"));
const goodDir = mkdtempSync(join(tmpdir(), "lookout-config-"));
/** The last config that passed the check: what the Worker bundles. */
const goodConfig = join(goodDir, "last-good-config.mjs");

const first = await checkConfig();
process.stdout.write(first.output);
if (!first.ok) {
  rmSync(goodDir, { recursive: true, force: true });
  process.exit(1);
}
const config = (await import(pathToFileURL(goodConfig).href)).default as LookoutConfig;

const token = ensureSecret(`${root}.dev.vars`, "ADMIN_TOKEN", "lk_admin_");
const heartbeatSecret = ensureSecret(`${root}.dev.vars`, "HEARTBEAT_SECRET", "lk_hb_");
ensureSecret(`${root}.dev.vars`, "LINK_SECRET", "lk_link_");
// The example config's on-call channels post to the local catcher (lookout.config.ts, `alerting`).
const alertsAt = `http://127.0.0.1:${MAIL_CATCHER_HTTP_PORT}/alerts`;
const pagerSecret = ensureSecret(`${root}.dev.vars`, "ALERT_PAGER_SIGNING_SECRET", "whsec_", webhookKey);
const demo = startDemoTargets();
const provider = startDemoProvider();
const providerAt = `http://127.0.0.1:${DEMO_PROVIDER_PORT}/${DEMO_PROVIDER_KEY}`;
const mail = startMailCatcher({ alertSecrets: new Map([["pager", pagerSecret]]) });

const args = [
  "dev",
  "--ip",
  "127.0.0.1",
  "--port",
  String(port),
  "--test-scheduled",
  "--show-interactive-dev-session=false",
  // Subscriber mail goes to the local catcher; its links point here.
  "--var",
  `SMTP_HOST:127.0.0.1`,
  "--var",
  `SMTP_PORT:${MAIL_CATCHER_SMTP_PORT}`,
  "--var",
  "SMTP_TLS:none",
  "--var",
  `PUBLIC_URL:${base}`,
  // On-call alerts go to the same catcher, as Slack and as a signed webhook.
  "--var",
  `ALERT_SLACK_URL:${alertsAt}/slack/oncall`,
  "--var",
  `ALERT_PAGER_URL:${alertsAt}/webhook/pager`,
  "--config",
  devWranglerConfig(),
];
if (process.env.LOOKOUT_PERSIST_TO) args.push("--persist-to", process.env.LOOKOUT_PERSIST_TO);
const wrangler = spawn(`${root}node_modules/.bin/wrangler`, args, {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
});
wrangler.on("exit", (code) => {
  demo.close();
  provider.close();
  mail.close();
  rmSync(goodDir, { recursive: true, force: true });
  rmSync(devWranglerConfig(), { force: true });
  process.exit(code ?? 1);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => wrangler.kill(signal));

await waitUntilReady();
console.log(`
  Lookout is running.

    Status page     ${base}/
    JSON API (v2)   ${base}/api/v2/summary.json
    Health check    ${base}/healthCheck
    Console         ${base}/console   (sign in with the admin token below: declare, update, report)
    API (v1)        ${base}/api/v1/docs   (communicator API reference; OpenAPI at /api/v1/openapi.json)
    Admin token     ${token}   (in .dev.vars; send it as Authorization: Bearer …)
    Demo targets    http://127.0.0.1:${DEMO_HTTP_PORT}/api/healthCheck and friends, probed on schedule
    Demo provider   ${providerAt}/api/v2/summary.json   "Demo CDN", a provider's status page, followed every minute
    Mail (local)    http://127.0.0.1:${MAIL_CATCHER_HTTP_PORT}/   every mail Lookout sends, caught by SMTP on port ${MAIL_CATCHER_SMTP_PORT}
    Alerts (local)  http://127.0.0.1:${MAIL_CATCHER_HTTP_PORT}/#alerts   on-call alerts, caught as Slack messages and signed webhooks

  Break one and watch the page:  curl -X POST http://127.0.0.1:${DEMO_HTTP_PORT}/break/api
  Mend it:                       curl -X POST http://127.0.0.1:${DEMO_HTTP_PORT}/fix/api
  The on-call team hears first: the alert, its escalation and its recovery appear under Alerts above.
  Put the provider through an incident:  curl -X POST ${providerAt}/incident
  And back:                              curl -X POST ${providerAt}/resolved
  Declare an incident:
    curl -X POST ${base}/api/v1/incidents -H "authorization: Bearer ${token}" \\
      -H "content-type: application/json" \\
      -d '{"name":"Slow logins","message":"We are looking into slow logins.","components":{"auth":"degraded_performance"}}'
  Subscribe with any address in the form at the bottom of the page, then read the mail above.
  Get signed webhooks on the same local page:
    curl -X POST ${base}/api/v1/webhooks -H "authorization: Bearer ${token}" \\
      -H "content-type: application/json" -d '{"url":"http://127.0.0.1:${MAIL_CATCHER_HTTP_PORT}/webhooks/demo"}'
  Edit lookout.config.ts and save: the page follows (a config with mistakes is reported
  here and not applied). Ctrl-C stops.
`);
followConfig();

// The cron heartbeat, now and once a minute, as Cloudflare would fire it: it starts the monitors.
// One at a time, and a minute missed (asleep, wrangler restarting) is skipped, not replayed.
const call = (url: string, init: RequestInit = {}) =>
  fetch(url, { ...init, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) }).then(
    (response) => response.body?.cancel(),
    () => undefined,
  );
startTicker(() => call(`${base}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("* * * * *")}`), 60_000);

// The demo's scheduled job: it checks in every 30 s, as a real cron job would call its heartbeat URL.
for (const monitor of config.monitors.filter((m) => m.kind === "heartbeat")) {
  const url = `${base}/heartbeat/${monitor.id}/${await heartbeatToken(heartbeatSecret, monitor.id)}`;
  console.log(`  Heartbeat URL for "${monitor.id}": ${url}`);
  startTicker(() => call(url, { method: "POST" }), 30_000);
}

/** Reads a secret from .dev.vars, or makes one there on the first run (the file is never committed). */
function ensureSecret(
  path: string,
  name: string,
  prefix: string,
  make: () => string = () => randomBytes(24).toString("base64url"),
): string {
  const existing = existsSync(path) ? readFileSync(path, "utf8") : "";
  const found = new RegExp(`^${name}=(.+)$`, "m").exec(existing)?.[1];
  if (found) return found.trim();
  const secret = `${prefix}${make()}`;
  writeFileSync(path, `${existing}${existing && !existing.endsWith("\n") ? "\n" : ""}${name}=${secret}\n`, {
    mode: 0o600,
  });
  return secret;
}

/** A Standard Webhooks key: 32 random bytes in plain base64, after `whsec_`. */
function webhookKey(): string {
  return randomBytes(32).toString("base64");
}

async function waitUntilReady(): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    try {
      const response = await fetch(`${base}/healthCheck`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  console.error("Lookout did not become healthy within 150 s.");
  wrangler.kill();
  process.exit(1);
}

/**
 * wrangler.toml plus one alias: the Worker's `#lookout-config` is the last
 * config that passed the check, never the file being edited. (`wrangler dev`
 * takes no `--alias`.) It sits beside wrangler.toml, so paths, `.dev.vars` and
 * `.wrangler/state` mean the same; one per process, removed on exit.
 */
function devWranglerConfig(): string {
  const path = join(root, `.wrangler-dev-${process.pid}.toml`);
  if (!existsSync(path)) {
    const alias = `\n# Written by scripts/start.ts.\n[alias]\n"#lookout-config" = ${JSON.stringify(goodConfig)}\n`;
    writeFileSync(path, readFileSync(join(root, "wrangler.toml"), "utf8") + alias);
  }
  return path;
}

/**
 * Runs `npm run check-config`'s own check on the config file, in a fresh
 * process (a saved file is read anew, with whatever it imports), and has it
 * write the config to `goodConfig` only when it passes.
 */
function checkConfig(): Promise<{ ok: boolean; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["scripts/check-config.ts", "--emit", goodConfig], {
      cwd: root,
      env: { ...process.env, LOOKOUT_CONFIG: configPath },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("exit", (code) => done({ ok: code === 0, output }));
  });
}

/**
 * Checks the config again whenever it is saved, one check at a time. A config
 * that passes is written for the Worker, and wrangler rebuilds with it; one
 * that fails is reported once (saving the same mistakes again says nothing
 * new) and the last good config keeps serving.
 */
function followConfig(): void {
  let checking = false;
  let again = false;
  let reported = "";
  const recheck = async () => {
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    do {
      again = false;
      const { ok, output } = await checkConfig();
      if (ok) {
        reported = "";
        console.log(`\n  Config saved and applied: ${output.trim()}\n`);
      } else if (output !== reported) {
        reported = output;
        console.error(`\n  The saved config was not applied; Lookout keeps serving the last good one.\n${output}`);
      }
    } while (again);
    checking = false;
  };
  // Polling the file's times survives editors that save by replacing the file.
  watchFile(configPath, { interval: 300 }, (now, before) => {
    if (now.mtimeMs !== before.mtimeMs || now.size !== before.size) void recheck();
  });
}
