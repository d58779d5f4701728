/**
 * The console in a real browser, Lookout started exactly as `npm start`
 * starts it: every console page audited with axe-core (WCAG 2.1 A/AA, in
 * light and dark), fitted to a 390 px phone, signed in and out with
 * JavaScript on and off and with the keyboard alone, under the strict CSP.
 *
 * Adding a page: one line in PAGES. Adding a flow: an `it` that opens a
 * signed-in page with `openConsole` (README "Keyboard, screen readers and phones").
 */
import type { Browser, BrowserContextOptions, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditPage, describeViolations, failing } from "../helpers/node/axe.ts";
import { launchBrowser, watchProblems } from "../helpers/node/browser.ts";
import { adminTokenFrom, signIn } from "../helpers/node/console-session.ts";
import { type RunningLookout, startLookout } from "../helpers/node/lookout-process.ts";

let lookout: RunningLookout;
let browser: Browser;
let token: string;
let session: BrowserContextOptions["storageState"];

const PERSON = "Ada Lovelace";
const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
};

/** The communicator API as the admin, to make what a page shows (an incident, a maintenance). */
type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;
const api: Api = async (method, path, body) => {
  const response = await fetch(`${lookout.baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
};

interface ConsolePage {
  name: string;
  /** The console path, or what makes the page's data through the API and answers its path. */
  path: string | ((api: Api) => Promise<string>);
  /** What is on the page once it has rendered: its level-1 heading, usually. */
  ready: (page: Page) => Locator;
  /** Opened without a session (the sign-in page); every other page is opened signed in as the admin. */
  signedOut?: boolean;
}

const h1 = (name: string) => (page: Page) => page.getByRole("heading", { level: 1, name, exact: true });

/**
 * Every console page, audited and fitted to a phone by the tests below. A
 * page that needs data makes it in `path`, e.g.
 *   { name: "incident room", ready: h1("Audit"), path: async (api) =>
 *     `/console/incidents/${(await api("POST", "/incidents", { name: "Audit", message: "Looking" })).body.id}` },
 */
const incident = async (api: Api, name: string) =>
  (await api("POST", "/incidents", { name, message: "Looking into it.", components: { api: "partial_outage" } })).body
    .id as string;

const maintenance = async (api: Api) => {
  const soon = Date.now() + 86_400_000;
  const created = await api("POST", "/maintenances", {
    name: "Database upgrade",
    message: "Postgres moves to a new major version.",
    scheduledFor: new Date(soon).toISOString(),
    scheduledUntil: new Date(soon + 3_600_000).toISOString(),
    components: ["postgres"],
  });
  return created.body.id as string;
};

const PAGES: ConsolePage[] = [
  { name: "sign-in", path: "/console/sign-in", signedOut: true, ready: h1("Sign in") },
  { name: "dashboard", path: "/console", ready: h1("Dashboard") },
  { name: "incidents", path: "/console/incidents", ready: h1("Incidents") },
  { name: "declare", path: "/console/incidents/new", ready: h1("Declare an incident") },
  {
    name: "incident room",
    path: async (api) => `/console/incidents/${await incident(api, "Room audit")}`,
    ready: h1("Room audit"),
  },
  {
    name: "report",
    path: async (api) => `/console/incidents/${await incident(api, "Report audit")}/report`,
    ready: (page) => page.getByRole("heading", { level: 1 }),
  },
  { name: "maintenances", path: "/console/maintenances", ready: h1("Maintenances") },
  {
    name: "new maintenance",
    path: "/console/maintenances/new",
    ready: (page) => page.getByRole("heading", { level: 1 }),
  },
  {
    name: "maintenance",
    path: async (api) => `/console/maintenances/${await maintenance(api)}`,
    ready: h1("Database upgrade"),
  },
  { name: "alerts", path: "/console/alerts", ready: h1("Alerts and channels") },
  { name: "flags", path: "/console/flags", ready: h1("Flags") },
  { name: "webhooks", path: "/console/webhooks", ready: h1("Webhooks") },
  { name: "subscribers", path: "/console/subscribers", ready: h1("Subscribers") },
  { name: "tokens", path: "/console/tokens", ready: h1("Tokens") },
  { name: "audit log", path: "/console/audit", ready: h1("Audit log") },
];

beforeAll(async () => {
  browser = await launchBrowser();
  lookout = await startLookout();
  token = adminTokenFrom(lookout.output());
  // Signed in once through the form: each signed-in page's context starts with that session's
  // cookies, as a browser that signed in earlier does (the sign-in tests sign in themselves).
  const context = await browser.newContext();
  await signIn(await context.newPage(), lookout.baseUrl, token, PERSON);
  session = await context.storageState();
  await context.close();
});

afterAll(async () => {
  await browser?.close();
  await lookout?.stop();
});

/** A fresh browser context on a console page (signed in unless the page says otherwise), watched for problems. */
async function openConsole(entry: ConsolePage, options: BrowserContextOptions = {}) {
  const context = await browser.newContext(entry.signedOut ? options : { ...options, storageState: session });
  const page = await context.newPage();
  const problems = await watchProblems(page);
  const path = typeof entry.path === "string" ? entry.path : await entry.path(api);
  const response = await page.goto(`${lookout.baseUrl}${path}`);
  expect(response?.status(), lookout.output().slice(-4000)).toBe(200);
  await entry.ready(page).waitFor();
  return { page, context, problems };
}

/** The focused element; a page with none fails fast rather than after the default 30 s. */
/**
 * Opens `body` at /console/fixture (the console's origin, the Worker's own
 * CSP) in a fresh context, for the script's hooks no console page uses yet;
 * /js/console.js is the Worker's. Call `beforeOpening` to route more first.
 */
async function openFixture(body: string, beforeOpening: (page: Page) => Promise<unknown> = async () => {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = await watchProblems(page);
  await beforeOpening(page);
  const csp = (await fetch(`${lookout.baseUrl}/console/sign-in`)).headers.get("content-security-policy") ?? "";
  expect(csp).toContain("script-src 'self'");
  const url = `${lookout.baseUrl}/console/fixture`;
  await page.route(url, (route) =>
    route.fulfill({
      contentType: "text/html; charset=utf-8",
      headers: { "content-security-policy": csp },
      body: `<!DOCTYPE html><html lang="en"><head><title>Fixture</title><script src="/js/console.js" defer></script>
        </head><body class="console"><main>${body}</main></body></html>`,
    }),
  );
  await page.goto(url);
  return { page, context, problems };
}

const focused = (page: Page) => ({
  textContent: () => page.locator(":focus").textContent({ timeout: 2000 }),
  getAttribute: (name: string) => page.locator(":focus").getAttribute(name, { timeout: 2000 }),
  boundingBox: () => page.locator(":focus").boundingBox({ timeout: 2000 }),
});

describe.each(PAGES)("the console's $name page", (entry) => {
  it.each(["light", "dark"] as const)("has no serious, critical or landmark violation (axe, %s)", async (scheme) => {
    const { page, context, problems } = await openConsole(entry, { colorScheme: scheme });
    const violations = failing(await auditPage(page));
    expect(violations, `axe on ${page.url()} (${scheme}):\n${describeViolations(violations)}`).toEqual([]);
    expect(await problems.collect()).toEqual([]);
    await context.close();
  });

  it("fits a 390 px phone: no sideways scrolling, buttons and fields at least 44 px tall", async () => {
    const { page, context, problems } = await openConsole(entry, PHONE);
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(innerWidth).toBe(390);
    expect(scrollWidth, `${page.url()} is ${scrollWidth} px wide`).toBeLessThanOrEqual(390);
    const targets = page.locator(
      "button:visible, select:visible, input:visible:not([type=hidden]):not([type=checkbox]):not([type=radio])",
    );
    const short: string[] = [];
    for (const target of await targets.all()) {
      const height = (await target.boundingBox())?.height ?? 0;
      if (height < 44) short.push(`${await target.evaluate((e) => e.outerHTML.slice(0, 120))}: ${height} px`);
    }
    expect(await targets.count()).toBeGreaterThan(0);
    expect(short, "tap targets under 44 px").toEqual([]);
    expect(await problems.collect()).toEqual([]);
    await context.close();
  });
});

describe.each([
  { javaScriptEnabled: true, label: "on" },
  { javaScriptEnabled: false, label: "off" },
])("signing in and out with JavaScript $label", ({ javaScriptEnabled }) => {
  it("asks to sign in, names the person, keeps the session in a strict cookie, and signs out", async () => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    const problems = await watchProblems(page);
    await page.goto(`${lookout.baseUrl}/console`);
    const asked = new URL(page.url());
    expect(asked.pathname).toBe("/console/sign-in");
    expect(asked.searchParams.get("next")).toBe("/console");

    await page.getByLabel("Your name").fill(PERSON);
    await page.getByLabel("API token").fill(token);
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/console"),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    await h1("Dashboard")(page).waitFor();
    expect(await page.locator(".console-viewer p").textContent()).toBe(
      `Signed in as ${PERSON} (bootstrap token), admin.`,
    );
    const session = (await context.cookies()).find((cookie) => cookie.name === "lookout_session");
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/console" });
    expect(session?.expires).toBeGreaterThan(Date.now() / 1000);

    await Promise.all([
      page.waitForURL((url) => url.pathname === "/console/sign-in"),
      page.getByRole("button", { name: "Sign out" }).click(),
    ]);
    expect(await page.getByRole("status").textContent()).toBe("You are signed out.");
    expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain("lookout_session");
    await page.goto(`${lookout.baseUrl}/console`);
    expect(new URL(page.url()).pathname).toBe("/console/sign-in");
    expect(await problems.collect()).toEqual([]);
    await context.close();
  });

  it("works from the keyboard alone: the skip link first, Tab to the fields, Enter signs in", async () => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    const problems = await watchProblems(page);
    await page.goto(`${lookout.baseUrl}/console/sign-in`);

    await page.keyboard.press("Tab");
    expect(await focused(page).textContent()).toBe("Skip to content");
    expect((await focused(page).boundingBox())?.x ?? -1, "the focused skip link is on screen").toBeGreaterThanOrEqual(
      0,
    );
    await page.keyboard.press("Enter");
    expect(await focused(page).getAttribute("id"), "the skip link moves focus to the content").toBe("main");
    await page.keyboard.press("Tab");
    expect(await focused(page).getAttribute("id")).toBe("person");
    await page.keyboard.type(PERSON);
    await page.keyboard.press("Tab");
    expect(await focused(page).getAttribute("id")).toBe("token");
    await page.keyboard.type(token);
    await Promise.all([page.waitForURL((url) => url.pathname === "/console"), page.keyboard.press("Enter")]);
    await h1("Dashboard")(page).waitFor();

    await page.keyboard.press("Tab");
    expect(await focused(page).textContent()).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await focused(page).getAttribute("id")).toBe("main");
    expect(await problems.collect()).toEqual([]);
    await context.close();
  });
});

describe("/js/console.js", () => {
  const dashboard = PAGES.find((p) => p.name === "dashboard") as ConsolePage;

  it('"?" lists them in a dialog that Escape closes; "g d" goes to the dashboard, never from inside a field', async () => {
    const { page, context, problems } = await openConsole({
      ...dashboard,
      path: "/console/sign-in",
      ready: h1("Sign in"),
    });
    await page.keyboard.press("?");
    const list = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await list.waitFor();
    expect(await list.locator("dt").allTextContents()).toEqual(["g d ", "? "]);
    expect(await focused(page).textContent(), "the dialog takes focus").not.toBeNull();
    const violations = failing(await auditPage(page));
    expect(violations, describeViolations(violations)).toEqual([]);
    await page.keyboard.press("Escape");
    await list.waitFor({ state: "hidden" });

    await page.getByLabel("Your name").focus();
    await page.keyboard.type("g d");
    expect(await page.getByLabel("Your name").inputValue()).toBe("g d");
    expect(new URL(page.url()).pathname).toBe("/console/sign-in");

    await page.getByRole("heading", { level: 1 }).click();
    await Promise.all([page.waitForURL((url) => url.pathname === "/console"), page.keyboard.type("gd")]);
    await h1("Dashboard")(page).waitFor();
    expect(await problems.collect()).toEqual([]);
    await context.close();
  });

  it("lets a page add its own with data-shortcut: listed, announced, a field focused, a link followed", async () => {
    const { page, context, problems } = await openFixture(
      `<h1>Fixture</h1><a href="/console/sign-in" data-shortcut="n">New incident</a>
      <label for="update">Update</label><textarea id="update" data-shortcut="u"></textarea>`,
    );
    expect(await page.getByRole("link", { name: "New incident" }).getAttribute("aria-keyshortcuts")).toBe("n");
    await page.keyboard.press("?");
    const list = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    expect(await list.locator("dd").allTextContents()).toEqual([
      "Go to the dashboard",
      "Show this list",
      "New incident",
      "Update",
    ]);
    await page.keyboard.press("Escape");
    await list.waitFor({ state: "hidden" });
    await page.keyboard.press("u");
    expect(await focused(page).getAttribute("id")).toBe("update");
    expect(await page.locator("#update").inputValue(), "the key itself is not typed").toBe("");
    await page.getByRole("heading", { level: 1 }).click();
    await Promise.all([page.waitForURL((url) => url.pathname === "/console/sign-in"), page.keyboard.press("n")]);
    expect(await problems.collect()).toEqual([]);
    await context.close();
  });

  it("can be switched off (single-key shortcuts, WCAG 2.1.4) from the Shortcuts button, and stay off", async () => {
    const { page, context, problems } = await openConsole(dashboard);
    await page.getByRole("button", { name: "Shortcuts" }).click();
    const list = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await list.getByLabel("Use single-key shortcuts").uncheck();
    await list.getByRole("button", { name: "Close" }).click();
    await page.reload();
    await page.keyboard.press("?");
    expect(await list.count()).toBe(0);
    expect(await problems.collect()).toEqual([]);
    await context.close();
  });
});

/**
 * The live preview hook, on a page of the test's own served at the console's
 * origin with the Worker's own Content-Security-Policy, since no console page
 * uses it yet: a form with data-preview posts its fields, CSRF value
 * included, and the fragment answered replaces the target's content.
 */
describe("the live preview (data-preview)", () => {
  it("posts the form's fields with the CSRF value as the person types and shows the fragment answered", async () => {
    const posted: URLSearchParams[] = [];
    const { page, context, problems } = await openFixture(
      `<form method="post" action="/console/nowhere" data-preview="/console/fixture/answer" data-preview-target="shown">
      <input type="hidden" name="_csrf" value="csrf-of-this-page"><label for="message">Message</label>
      <textarea id="message" name="message"></textarea><button name="preview" value="1">Preview</button>
      </form><div id="shown"><p>Nothing yet.</p></div>`,
      (page) =>
        page.route(`${lookout.baseUrl}/console/fixture/answer`, (route) => {
          const fields = new URLSearchParams(route.request().postData() ?? "");
          posted.push(fields);
          const message = (fields.get("message") ?? "").replace(/[<>&"]/g, "");
          return route.fulfill({
            contentType: "text/html; charset=utf-8",
            body: `<p>Readers will see: <strong>${message}</strong></p>`,
          });
        }),
    );
    expect(await page.locator("#shown").getAttribute("aria-live")).toBe("polite");
    await page.getByLabel("Message").fill("Back soon");
    await page.locator("#shown strong", { hasText: "Back soon" }).waitFor();
    expect(await page.locator("#shown").textContent()).toBe("Readers will see: Back soon");
    expect(posted.at(-1)?.get("_csrf")).toBe("csrf-of-this-page");
    expect(posted.at(-1)?.get("message")).toBe("Back soon");
    expect(await problems.collect()).toEqual([]);
    await context.close();
  });
});

describe("the audit itself", () => {
  it("fails a page with an unlabelled field, under the page's own CSP", async () => {
    const { page, context, problems } = await openConsole(PAGES[0] as ConsolePage);
    await page.evaluate(() => document.querySelector("label[for=token]")?.remove());
    const violations = failing(await auditPage(page));
    expect(violations.map((v) => v.id)).toContain("label");
    expect(describeViolations(violations)).toContain("#token");
    expect(await problems.collect()).toEqual([]);
    await context.close();
  });
});
