import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../worker/app.tsx";
import { heartbeatToken } from "../../worker/core/heartbeat-token.ts";
import { CONFIRM_LINK_MS, confirmPath, managePath } from "../../worker/core/subscribers/links.ts";
import { log } from "../../worker/platform/log.ts";
import type { StatusPageReader } from "../../worker/site.ts";
import { LINK_SECRET_FOR_TESTS } from "../helpers/test-secrets.ts";

/**
 * A capability URL (a subscriber's confirm, manage and unsubscribe links, a
 * heartbeat's URL) is the key itself: whoever reads the logs must not be able
 * to use it. The request that fails on such a path is logged with the path
 * (request.failed in worker/app.tsx), and errors may quote URLs; every line
 * Lookout writes is read here, off the console it writes to.
 */

const unavailable = () => Promise.reject(new Error("StatusPage object unavailable"));
const failingReader: StatusPageReader = {
  snapshot: unavailable,
  snapshotUnlessCurrent: unavailable,
  event: unavailable,
  componentDetail: unavailable,
  componentEvents: unavailable,
} as unknown as StatusPageReader;

/** Every line Lookout's log writes while `act` runs. */
async function loggedDuring(act: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  for (const level of ["debug", "info", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
  }
  await act();
  return lines.join("\n");
}

afterEach(() => vi.restoreAllMocks());

describe("capability URLs in the logs", () => {
  it("a request that fails on a confirm, manage or unsubscribe link is logged without the link's key", async () => {
    const app = createApp({ reader: () => failingReader, freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
    const id = "k3yh0ld3r";
    const confirm = await confirmPath(LINK_SECRET_FOR_TESTS, id, Date.now() + CONFIRM_LINK_MS);
    const manage = await managePath(LINK_SECRET_FOR_TESTS, id);
    const keys = [confirm, manage].map((path) => path.split("/").at(-1) as string);
    expect(keys.every((key) => key.length === 32)).toBe(true);

    const logged = await loggedDuring(async () => {
      for (const [method, path] of [
        ["GET", confirm],
        ["POST", confirm],
        ["GET", manage],
        ["POST", `${manage}/unsubscribe`],
      ] as const) {
        const response = await app.request(path, { method }, env as unknown as Env);
        expect(response.status).toBe(503);
      }
    });
    // Logged (four failures, each naming whose link it was), but never with the key.
    expect(logged.match(/request\.failed/g)).toHaveLength(4);
    expect(logged).toContain(`/subscriptions/${id}/`);
    for (const key of keys) expect(logged).not.toContain(key);
  });

  it("a capability URL quoted in any field or error of any line is cut to its owner's id", async () => {
    const manage = await managePath(LINK_SECRET_FOR_TESTS, "s1");
    const confirm = await confirmPath(LINK_SECRET_FOR_TESTS, "s2", Date.now() + CONFIRM_LINK_MS);
    const beat = `/heartbeat/nightly-backup/${await heartbeatToken("test-heartbeat-secret", "nightly-backup")}`;
    const logged = await loggedDuring(async () => {
      log.error("mail.batch_failed", { error: new Error(`could not send https://status.test${manage}/unsubscribe`) });
      log.warn("something", { link: `https://status.test${confirm}?x=1`, nested: { beat } });
    });
    expect(logged).toContain("/subscriptions/s1/");
    expect(logged).toContain("/heartbeat/nightly-backup/");
    for (const path of [manage, confirm, beat]) expect(logged).not.toContain(path.split("/").at(-1) as string);
  });
});
