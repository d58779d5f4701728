/**
 * The incident room in Chromium, at 390 px: without JavaScript the Preview
 * button shows what an update would publish; with it, the preview follows
 * the typing (static/js/console.js) under the strict CSP, and nothing is
 * posted until "Post update".
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, watchProblems } from "../helpers/node/browser.ts";
import { type RunningLookout, startLookout } from "../helpers/node/lookout-process.ts";

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
async function call(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${lookout.baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

async function openRoom(javaScriptEnabled: boolean, id: string): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${lookout.baseUrl}/console/sign-in`);
  await page.getByLabel(/name/i).fill("Ada Lovelace");
  await page.getByLabel(/token/i).fill(token);
  await Promise.all([page.waitForURL(/\/console$/), page.getByRole("button", { name: /sign in/i }).click()]);
  await page.goto(`${lookout.baseUrl}/console/incidents/${id}`);
  return page;
}

/** axe-core's serious and critical findings on the page as it stands (evaluated by the driver, so the CSP holds). */
async function seriousAxeViolations(page: Page): Promise<string[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected above, untyped in the page.
    const result = await (window as any).axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "best-practice"] });
    return result.violations as { id: string; impact: string | null; nodes: unknown[] }[];
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.nodes.length})`);
}

const noSidewaysScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

describe("the incident room in a browser", () => {
  it("previews without JavaScript, and posts nothing until asked", async () => {
    const incident = await call("POST", "/incidents", {
      name: "Browser room",
      message: "Looking.",
      components: { api: "partial_outage" },
    });
    const page = await openRoom(false, incident.id);
    await page.getByLabel("Status", { exact: true }).selectOption("identified");
    await page.getByLabel("Message", { exact: true }).fill("Found a bad deploy.");
    await Promise.all([page.waitForLoadState(), page.getByRole("button", { name: "Preview" }).first().click()]);
    const preview = page.locator("#preview");
    await expect.poll(() => preview.count()).toBe(1);
    expect(await preview.locator(".mail-subject").textContent()).toBe("[Identified] Browser room");
    expect(await preview.locator(".webhook-payload").textContent()).toContain('"body": "Found a bad deploy."');
    expect(await page.getByLabel("Message", { exact: true }).inputValue()).toBe("Found a bad deploy.");
    expect(await noSidewaysScroll(page)).toBe(true);
    expect((await call("GET", `/incidents/${incident.id}`)).updates).toHaveLength(1);
    await page.context().close();
  });

  it("follows the typing with a live preview when JavaScript runs, under the CSP", async () => {
    const incident = await call("POST", "/incidents", { name: "Live room", message: "Looking." });
    const page = await openRoom(true, incident.id);
    const problems = await watchProblems(page);
    await page.reload();
    await page.getByLabel("Message", { exact: true }).fill("Typed, not yet posted.");
    await expect
      .poll(() => page.locator("#preview .mail-text").textContent(), { timeout: 15_000 })
      .toContain("Typed, not yet posted.");
    expect((await call("GET", `/incidents/${incident.id}`)).updates).toHaveLength(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await Promise.all([
      page.waitForURL(/notice=update-posted/),
      page.getByRole("button", { name: "Post update" }).click(),
    ]);
    expect((await call("GET", `/incidents/${incident.id}`)).updates).toHaveLength(2);
    expect(await noSidewaysScroll(page)).toBe(true);
    expect(await problems.collect()).toEqual([]);
    await page.context().close();
  });
});
