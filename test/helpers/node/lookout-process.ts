/**
 * Runs Lookout exactly as `npm start` does (`node scripts/start.ts`), on a free
 * port and with its own storage, so end-to-end tests never touch a developer's
 * local state or a running instance.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = fileURLToPath(new URL("../../../", import.meta.url));

const BANNER = "Lookout is running";
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const STARTUP_TIMEOUT_MS = 170_000;

export interface RunningLookout {
  baseUrl: string;
  /** The local mail catcher's page; `/messages.json` lists what Lookout sent, newest first. */
  mailUrl: string;
  /** Everything the process printed so far, for failure messages. */
  output(): string;
  /** Resolves once /healthCheck answers 200 again, e.g. after wrangler reloaded on a source edit. */
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The Node `npm start` uses: the project's own (node_modules/.bin/node) when installed. */
function projectNode(): string {
  const local = join(projectRoot, "node_modules", ".bin", "node");
  return existsSync(local) ? local : process.execPath;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("could not pick a free port");
  return address.port;
}

/** `env` adds to (or overrides) the environment `npm start` runs with, e.g. LOOKOUT_CONFIG. */
export async function startLookout(options: { env?: Record<string, string> } = {}): Promise<RunningLookout> {
  const port = await freePort();
  const mailHttpPort = await freePort();
  const persistTo = mkdtempSync(join(tmpdir(), "lookout-e2e-"));
  let log = "";
  const child = spawn(projectNode(), ["scripts/start.ts"], {
    cwd: projectRoot,
    // Its own process group, so stop() reaches wrangler and workerd too.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      MAIL_CATCHER_SMTP_PORT: String(await freePort()),
      MAIL_CATCHER_HTTP_PORT: String(mailHttpPort),
      LOOKOUT_PERSIST_TO: persistTo,
      NO_COLOR: "1",
      FORCE_COLOR: "0",
      ...options.env,
    },
  });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  // The group is detached, so Ctrl-C does not reach it: if the test run ends
  // without afterAll (interrupted, killed, crashed), take the server down too.
  const onExit = () => killGroup("SIGKILL");
  const onSignal = (signal: NodeJS.Signals) => {
    killGroup("SIGKILL");
    process.off("exit", onExit);
    // Left alone, a signal ends the process; re-raise it unless someone else handles it.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once("exit", onExit);
  for (const signal of SIGNALS) process.once(signal, onSignal);

  const stop = async () => {
    process.off("exit", onExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
    if (child.exitCode === null && child.signalCode === null) {
      killGroup("SIGTERM");
      if (!(await exited(child, 10_000))) killGroup("SIGKILL");
    }
    // workerd may outlive its parents for a moment; make sure nothing is left.
    killGroup("SIGKILL");
    rmSync(persistTo, { recursive: true, force: true });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${BANNER}" within ${STARTUP_TIMEOUT_MS / 1000} s`)),
        STARTUP_TIMEOUT_MS,
      );
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes(BANNER)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("error", reject);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited early (code ${code}, signal ${signal})`));
      });
    });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- output ---\n${log}`);
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  const waitUntilHealthy = async (timeoutMs = 30_000) => {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
      const ok = await fetch(`${baseUrl}/healthCheck`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`Lookout is not healthy after ${timeoutMs / 1000} s\n--- output ---\n${log}`);
  };
  return { baseUrl, mailUrl: `http://127.0.0.1:${mailHttpPort}`, output: () => log, waitUntilHealthy, stop };
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
