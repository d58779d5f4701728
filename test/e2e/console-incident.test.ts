/**
 * An incident run from the console in Chromium, start to finish, with
 * JavaScript on and off, against Lookout started as `npm start` starts it:
 * sign in, declare from a failing monitor's row, keep an internal note, post
 * a public update (on the public page and in a subscriber's mail), change the
 * roles, resolve, then edit and publish the report (on the incident's page
 * and in the feed). Breaks the demo API service, and mends it after. And
 * the room's preview: a Preview button without JavaScript, a live preview
 * with it, neither posting anything.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditPage, describeViolations, failing } from "../helpers/node/axe.ts";
import { launchBrowser, watchProblems } from "../helpers/node/browser.ts";
import { adminTokenFrom, signIn } from "../helpers/node/console-session.ts";
import { type RunningLookout, startLookout } from "../helpers/node/lookout-process.ts";

const demo = "http://127.0.0.1:8790";
const READER = "console-reader@example.com";

let lookout: RunningLookout;
let browser: Browser;
let token: string;

type Caught = { to: string; subject: string; text: string };
const mailsTo = async (to: string): Promise<Caught[]> =>
  ((await (await fetch(`${lookout.mailUrl}/messages.json`)).json()) as Caught[]).filter((m) => m.to === to);

async function eventually<T>(what: string, timeoutMs: number, find: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > until)
      throw new Error(`no ${what} within ${timeoutMs / 1000} s\n${lookout.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field.
async function call(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${lookout.baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

const publicText = async (path: string) => (await fetch(`${lookout.baseUrl}${path}`)).text();

beforeAll(async () => {
  browser = await launchBrowser();
  lookout = await startLookout();
  token = adminTokenFrom(lookout.output());
  // A reader who follows every component, subscribed and confirmed the way a reader does it.
  const page = await browser.newPage();
  await page.goto(lookout.baseUrl);
  await page.getByLabel("Email address").fill(READER);
  await page.getByRole("button", { name: "Subscribe" }).click();
  const link = await eventually("confirmation mail", 30_000, async () => {
    const mail = (await mailsTo(READER))[0];
    return /http:\/\/\S+\/confirm\/\S+/.exec(mail?.text ?? "")?.[0];
  });
  await page.goto(link);
  await page.getByRole("button", { name: "Confirm subscription" }).click();
  await page.getByText("You are subscribed.").waitFor();
  await page.close();
  // The demo API service breaks; its monitor (10 s, three failures in a row) turns it down.
  expect((await fetch(`${demo}/break/api`, { method: "POST" })).status).toBe(200);
}, 240_000);

afterAll(async () => {
  await fetch(`${demo}/fix/api`, { method: "POST" }).catch(() => undefined);
  await browser?.close();
  await lookout?.stop();
});

/** Clicks a button that sends a form and waits for the page it leads to. */
async function send(page: Page, button: string) {
  await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: button, exact: true }).click()]);
}

describe.each([
  { javaScriptEnabled: true, label: "on" },
  { javaScriptEnabled: false, label: "off" },
])("an incident run from the console with JavaScript $label", ({ javaScriptEnabled, label }) => {
  it("declares from the failing monitor, notes, updates, assigns, resolves and publishes the report", async () => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    const problems = await watchProblems(page);
    await signIn(page, lookout.baseUrl, token, "Ada Lovelace");

    // The dashboard offers to declare from the failing monitor's row, once the monitor says so.
    const declare = page.locator('a[href="/console/incidents/new?monitor=api"]');
    await eventually("a Declare link on the api monitor's row", 150_000, async () => {
      await page.goto(`${lookout.baseUrl}/console`);
      return (await declare.count()) > 0 ? true : undefined;
    });
    await Promise.all([page.waitForEvent("load"), declare.click()]);
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).not.toBe("");
    const name = `API errors from the console (JavaScript ${label})`;
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByRole("radio", { name: "Major" }).check();
    await page.getByLabel("Public: on the page, the feeds and to subscribers").check();
    await send(page, "Declare incident");
    const room = new URL(page.url());
    expect(room.pathname).toMatch(/^\/console\/incidents\/[a-z0-9]+$/);
    const id = room.pathname.split("/").at(-1) as string;
    expect(await page.getByRole("status").textContent()).toBe("Incident declared.");

    // An internal note: in the room, never on the public page.
    const note = `Scribe ${label}: rolled back deploy 4411 at the edge.`;
    await page.getByLabel("Note", { exact: true }).fill(note);
    await send(page, "Add note");
    expect(await page.getByText(note).count()).toBe(1);

    // A public update: on the incident's public page, and in the subscriber's mail.
    const update = `We found the cause (JavaScript ${label}) and are rolling back.`;
    await page.getByLabel("Status", { exact: true }).selectOption("identified");
    await page.getByLabel("Message", { exact: true }).fill(update);
    await send(page, "Post update");
    expect(await page.getByRole("status").textContent()).toBe("Update posted.");
    const incidentPage = await publicText(`/incidents/${id}`);
    expect(incidentPage).toContain(update);
    expect(incidentPage).not.toContain(note);
    const mail = await eventually("the update's mail", 60_000, async () =>
      (await mailsTo(READER)).find((m) => m.text.includes(update)),
    );
    expect(mail.subject).toContain(name);
    expect(mail.text).not.toContain(note);

    // Roles, shown to the team.
    await page.getByLabel("Lead", { exact: true }).fill("Grace Hopper");
    await page.getByLabel("Scribe", { exact: true }).fill("Alan Turing");
    await send(page, "Save roles");
    expect(await page.getByRole("status").textContent()).toBe("Roles saved.");
    expect(await page.getByLabel("Lead", { exact: true }).inputValue()).toBe("Grace Hopper");
    expect(await page.getByLabel("Scribe", { exact: true }).inputValue()).toBe("Alan Turing");

    // Resolved with a final message.
    await page.getByLabel("Final message").fill(`Resolved (JavaScript ${label}).`);
    await send(page, "Resolve incident");
    expect(await page.getByRole("status").textContent()).toBe("Incident resolved.");

    // The report: edited, saved, published; on the incident's page and in the feed.
    await page.goto(`${lookout.baseUrl}/console/incidents/${id}/report`);
    const summary = `A bad deploy broke the API for ten minutes (JavaScript ${label}).`;
    await page.getByLabel("Summary", { exact: true }).fill(summary);
    await page.getByLabel("Title").first().fill("Canary every deploy");
    await page.getByLabel("Owner").first().fill("Grace Hopper");
    await page.getByLabel("Tracker link").first().fill("https://tracker.example/LK-7");
    await send(page, "Save the report");
    expect(await page.getByRole("status").textContent()).toBe("Report saved.");
    await send(page, "Publish the report");
    expect(await page.getByRole("status").textContent()).toContain("Report published");
    const published = await publicText(`/incidents/${id}`);
    expect(published).toContain(summary);
    expect(published).toContain("Canary every deploy");
    expect(await publicText("/history.rss")).toContain(summary);

    // A click or address that leaves a page before its icon arrived cancels that icon: no fault of the page.
    const leftEarly = /favicon\.svg \(net::ERR_ABORTED\)$/;
    expect((await problems.collect()).filter((problem) => !leftEarly.test(problem))).toEqual([]);
    await context.close();
  }, 300_000);
});

/** An incident's room on a 390 px phone, signed in (in a page of its own, left mid-load without harm), watched for problems. */
async function openRoom(javaScriptEnabled: boolean, id: string) {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 } });
  const signingIn = await context.newPage();
  await signIn(signingIn, lookout.baseUrl, token, "Ada Lovelace");
  await signingIn.close();
  const page = await context.newPage();
  const problems = await watchProblems(page);
  await page.goto(`${lookout.baseUrl}/console/incidents/${id}`);
  return { page, problems };
}

const noSidewaysScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

describe("the incident room's preview", () => {
  it("previews without JavaScript, and posts nothing until asked", async () => {
    const incident = await call("POST", "/incidents", {
      name: "Browser room",
      message: "Looking.",
      components: { api: "partial_outage" },
    });
    const { page, problems } = await openRoom(false, incident.id);
    await page.getByLabel("Status", { exact: true }).selectOption("identified");
    await page.getByLabel("Message", { exact: true }).fill("Found a bad deploy.");
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Preview" }).first().click()]);
    const preview = page.locator("#preview");
    expect(await preview.locator(".mail-subject").textContent()).toBe("[Identified] Browser room");
    expect(await preview.locator(".webhook-payload").textContent()).toContain('"body": "Found a bad deploy."');
    expect(await page.getByLabel("Message", { exact: true }).inputValue()).toBe("Found a bad deploy.");
    expect(await noSidewaysScroll(page)).toBe(true);
    expect((await call("GET", `/incidents/${incident.id}`)).updates).toHaveLength(1);
    expect(await problems.collect()).toEqual([]);
    await page.context().close();
  });

  it("follows the typing with a live preview when JavaScript runs, under the CSP", async () => {
    const incident = await call("POST", "/incidents", { name: "Live room", message: "Looking." });
    const { page, problems } = await openRoom(true, incident.id);
    await page.getByLabel("Message", { exact: true }).fill("Typed, not yet posted.");
    await expect
      .poll(() => page.locator("#preview .mail-text").textContent(), { timeout: 15_000 })
      .toContain("Typed, not yet posted.");
    expect((await call("GET", `/incidents/${incident.id}`)).updates).toHaveLength(1);
    const violations = failing(await auditPage(page));
    expect(violations, describeViolations(violations)).toEqual([]);
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
