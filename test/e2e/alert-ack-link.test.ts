/**
 * An alert's acknowledgement link in a real browser, against Lookout as
 * `npm start` runs it: opening the link shows a page and leaves the alert
 * open; pressing its button (no JavaScript) acknowledges it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ackPath } from "../../worker/core/alerting/ack-link.ts";
import { launchBrowser } from "../helpers/node/browser.ts";
import { projectRoot, type RunningLookout, startLookout } from "../helpers/node/lookout-process.ts";

let lookout: RunningLookout;
let browser: Browser;
let token = "";

beforeAll(async () => {
  lookout = await startLookout();
  browser = await launchBrowser();
  token = /Admin token\s+(\S+)/.exec(lookout.output())?.[1] ?? "";
  expect(token).not.toBe("");
});

afterAll(async () => {
  await browser?.close();
  await lookout?.stop();
});

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field.
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${lookout.baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/**
 * An open alert on the fresh page, the way an operator restores one: its
 * export, with the alert added, imported back (nothing else can open an
 * alert without breaking a monitor).
 */
async function openAlert(id: string, title: string): Promise<void> {
  const exported = await call("GET", "/export");
  expect(exported.status).toBe(200);
  const alerts = exported.body.tables.alerts as { columns: string[]; rows: unknown[][] };
  const now = Date.now();
  const values: Record<string, unknown> = {
    id,
    key: `monitor:e2e-${id}`,
    kind: "monitor_down",
    severity: "critical",
    title,
    details: JSON.stringify({
      summary: "HTTP 503",
      monitorId: null,
      components: [],
      regions: [],
      firstFailingCheckAt: null,
      incidentId: null,
      incidentPublic: false,
    }),
    policy: null,
    status: "open",
    opened_at: now,
    steps: 1,
    reminders: 0,
    next_escalation_at: now + 300_000,
  };
  alerts.rows.push(alerts.columns.map((column) => values[column] ?? null));
  const imported = await call("POST", "/import", exported.body);
  expect(imported.status, JSON.stringify(imported.body)).toBe(200);
}

function linkSecret(): string {
  const vars = readFileSync(join(projectRoot, ".dev.vars"), "utf8");
  const secret = /^LINK_SECRET=(.+)$/m.exec(vars)?.[1]?.trim();
  if (!secret) throw new Error("npm start wrote no LINK_SECRET to .dev.vars");
  return secret;
}

describe("the acknowledgement link in a real browser", () => {
  it("opening it acknowledges nothing; pressing its button acknowledges", async () => {
    const id = "e2eackalert1";
    await openAlert(id, "Demo API is down");
    const link = `${lookout.baseUrl}${await ackPath(linkSecret(), id)}`;

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const opened = await page.goto(link);
    expect(opened?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Acknowledge this alert?");
    expect(await page.getByText("Demo API is down").count()).toBe(1);
    // A link scanner would stop here: the alert is still open.
    expect((await call("GET", `/alerts/${id}`)).body).toMatchObject({ status: "open", acknowledgedAt: null });

    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url() === link && r.request().method() === "POST"),
      page.getByRole("button", { name: "Acknowledge" }).click(),
    ]);
    expect((await answer.request().allHeaders())["sec-fetch-site"]).toBe("same-origin");
    expect(answer.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
      "Acknowledged by acknowledgement link",
    );
    await context.close();
    expect((await call("GET", `/alerts/${id}`)).body).toMatchObject({
      status: "acknowledged",
      acknowledgedBy: "acknowledgement link",
      escalation: { nextAt: null },
    });
  });
});
