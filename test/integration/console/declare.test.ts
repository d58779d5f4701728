import { beforeAll, describe, expect, it } from "vitest";
import { changeTo } from "../../helpers/workers/alerts.ts";
import { api } from "../../helpers/workers/api.ts";
import { type ConsoleBrowser, signedIn, signedInAs } from "../../helpers/workers/console.ts";
import { auditFor, declaredThroughApi, incidentsNamed } from "../../helpers/workers/console-api.ts";
import { consoleShop } from "../../helpers/workers/console-shop.ts";
import { reconcileWithMonitorDown } from "../../helpers/workers/monitor-objects.ts";
import { fetchWorker, pageObject } from "../../helpers/workers/worker.ts";

/**
 * Declaring from the console: the form (from scratch, a template of the
 * deployed config — lookout.config.ts's "login-down" — or a failing
 * monitor), its post through incidents.create as the signed-in person, and
 * the incidents list. The components match the deployed config's ids, so its
 * template applies here.
 */
const run = crypto.randomUUID().slice(0, 6);
const config = consoleShop([
  // A heartbeat the test speaks for; down means a partial outage of sign-in.
  { id: "auth-run", kind: "heartbeat", components: ["auth"], intervalSeconds: 3600, downStatus: "partial_outage" },
]);

const good = (name: string) => ({
  name,
  severity: "critical",
  "component.api": "major_outage",
  "component.auth": "",
  message: "Checkout fails for everyone. We are on it.",
  visibility: "public",
  lead: "Grace",
  communicator: "Ada",
  notify: "on",
});

const formFor = (browser: ConsoleBrowser, query = "") => browser.page(`/console/incidents/new${query}`);

beforeAll(() => reconcileWithMonitorDown(config, "api-check"), 30_000);

describe("declaring an incident from the console", () => {
  it("offers severities by name and meaning, templates, and every component with a status select", async () => {
    const html = await formFor(await signedIn());
    expect(html).toContain('<label for="severity-critical">Critical</label>');
    expect(html).toContain("The product is down or unusable for most.");
    expect(html).toContain('<option value="login-down">Sign-in failing</option>');
    expect(html).toContain('name="component.api"');
    expect(html).toContain("Secret vault (hidden)");
    expect(html).toContain('<label for="lead">Incident lead</label>');
    expect(html).toMatch(/<input type="checkbox" id="notify" name="notify" checked/);
  });

  it("prefills from a template, and answers 404 for a template that does not exist", async () => {
    const browser = await signedIn();
    const html = await formFor(browser, "?template=login-down");
    expect(html).toContain('value="Customers cannot sign in"');
    expect(html).toMatch(/id="severity-major" name="severity" value="major" checked/);
    expect(html).toMatch(/<option value="major_outage" selected[^>]*>Major outage<\/option>/);
    const missing = await browser.page("/console/incidents/new?template=nope", 404);
    expect(missing).toContain("There is no template &quot;nope&quot;");
  });

  it("declares: 303 to the incident's room, severity and roles kept, and the audit line names the person", async () => {
    const browser = await signedIn(undefined, "Ada Lovelace");
    await formFor(browser);
    const name = `Checkout down ${run}`;
    const answer = await browser.post("/console/incidents/new", good(name));
    expect(answer.status).toBe(303);
    const [created] = await incidentsNamed(name);
    expect(answer.headers.get("location")).toBe(`/console/incidents/${created?.id}?notice=incident-declared`);
    const read = await api("GET", `/incidents/${created?.id}`);
    expect(read.body).toMatchObject({
      severity: "critical",
      impact: "critical",
      visibility: "public",
      lead: "Grace",
      communicator: "Ada",
      componentIds: ["api"],
    });
    const [line] = await auditFor(created?.id as string, "incident.create");
    expect(line?.actor.name).toBe("Ada Lovelace (bootstrap token)");
  });

  it("puts a declared incident on the public page at once, not after the page's few seconds of cache", async () => {
    const browser = await signedIn(undefined, "Ada Lovelace");
    await formFor(browser);
    // The public page read just now: without word of the console's write, its snapshot would not know the incident.
    expect((await fetchWorker("/")).status).toBe(200);
    const name = `Seen at once ${run}`;
    const answer = await browser.post("/console/incidents/new", good(name));
    const id = new URL(answer.headers.get("location") ?? "", "https://status.test").pathname.split("/").at(-1);
    const page = await fetchWorker(`/incidents/${id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(name);
  });

  it("refuses a post without the CSRF value (403) and writes nothing", async () => {
    const browser = await signedIn();
    await formFor(browser);
    const name = `No CSRF ${run}`;
    const answer = await browser.post("/console/incidents/new", { ...good(name), _csrf: "0".repeat(32) });
    expect(answer.status).toBe(403);
    expect(await incidentsNamed(name)).toEqual([]);
  });

  it("hides the form from a viewer, and the API refuses their forced post (403), writing nothing", async () => {
    const viewer = await signedInAs("viewer", "Vera Viewer");
    expect((await viewer.get("/console/incidents/new")).status).toBe(403);
    const list = await (await viewer.get("/console/incidents")).text();
    expect(list).not.toContain("Declare an incident");
    const name = `Forced ${run}`;
    const answer = await viewer.post("/console/incidents/new", good(name));
    expect(answer.status).toBe(403);
    expect(await incidentsNamed(name)).toEqual([]);
  });

  it.each([
    [{ name: "" }, 400, "name"],
    [{ severity: "" }, 400, "severity"],
    [{ severity: "apocalyptic" }, 422, "severity"],
    [{ visibility: "internal" }, 422, "components"],
    [{ "component.ghost": "major_outage" }, 422, "components.ghost"],
  ])(
    "re-renders a bad declaration with what was typed and a 4xx naming the field (%o)",
    async (change, status, field) => {
      const browser = await signedIn();
      await formFor(browser);
      const answer = await browser.post("/console/incidents/new", { ...good(`Bad ${run}`), ...change });
      expect(answer.status).toBe(status);
      const html = await answer.text();
      expect(html).toContain('role="alert"');
      expect(html).toContain(`<code>${field}</code>`);
      expect(html).toContain("Checkout fails for everyone. We are on it.");
      expect(html).toContain('value="Grace"');
      expect(await incidentsNamed(`Bad ${run}`)).toEqual([]);
    },
  );

  it("lists incidents open first, internal ones marked, each linked", async () => {
    const resolved = await declaredThroughApi({ name: `Old ${run}`, message: "Done.", status: "resolved" });
    const internal = await declaredThroughApi({ name: `Hush ${run}`, message: "Team only.", visibility: "internal" });
    const html = await (await (await signedIn()).get("/console/incidents")).text();
    expect(html).toContain('href="/console/incidents/new"');
    expect(html.indexOf(`Hush ${run}`)).toBeGreaterThan(-1);
    expect(html.indexOf(`Hush ${run}`)).toBeLessThan(html.indexOf(`Old ${run}`));
    expect(html).toContain(`<a href="/console/incidents/${resolved.id}">Old ${run}</a>`);
    expect(html).toMatch(new RegExp(`${internal.id}">Hush ${run}</a><span><strong class="tag">Internal`));
  });

  it("declares from a failing monitor end to end: the dashboard's Declare link, a prefilled form, one post", async () => {
    const browser = await signedIn(undefined, "Night Shift");
    const dashboard = await (await browser.get("/console")).text();
    const link = /href="(\/console\/incidents\/new\?monitor=api-check)"/.exec(dashboard)?.[1];
    expect(link).toBe("/console/incidents/new?monitor=api-check");
    const form = await formFor(browser, "?monitor=api-check");
    expect(form).toContain('value="REST API is down"');
    expect(form).toMatch(/The check &quot;api-check&quot; is failing: [^<]*503/);
    expect(form).toMatch(/id="severity-major" name="severity" value="major" checked/);
    expect(form).toMatch(
      /name="component.api"><option value="">Not affected<\/option>(<option[^>]*>[^<]*<\/option>)*<option value="major_outage" selected/,
    );
    const message = /<textarea id="message" name="message" required="" maxlength="10000">([^<]*)<\/textarea>/.exec(
      form,
    )?.[1];
    expect(message).toBeDefined();
    const answer = await browser.post("/console/incidents/new", {
      name: "REST API is down",
      severity: "major",
      "component.api": "major_outage",
      message: (message ?? "").replaceAll("&quot;", '"'),
      visibility: "public",
      monitor: "api-check",
      notify: "on",
    });
    expect(answer.status).toBe(303);
    const id = answer.headers.get("location")?.split("/").at(-1)?.split("?")[0] ?? "";
    const read = await api("GET", `/incidents/${id}`);
    expect(read.body).toMatchObject({ name: "REST API is down", severity: "major", impact: "major" });
    expect(read.body.updates[0].body).toContain("api-check");
    const snapshot = await pageObject().snapshot();
    expect(snapshot.components.find((c) => c.id === "api")?.status).toBe("major_outage");
  });

  it("prefills how bad it is from the monitor: slow is degraded performance, down is the monitor's downStatus", async () => {
    const browser = await signedIn();
    const object = pageObject();
    try {
      await object.reportMonitor(changeTo("auth-run", "degraded"));
      const slow = await formFor(browser, "?monitor=auth-run");
      expect(slow).toContain('value="Login &amp; SSO is slow"');
      expect(slow).toMatch(
        /name="component.auth">(<option[^>]*>[^<]*<\/option>)*<option value="degraded_performance" selected/,
      );
      expect(slow).toMatch(/id="severity-minor" name="severity" value="minor" checked/);
      await object.reportMonitor(changeTo("auth-run", "down"));
      const down = await formFor(browser, "?monitor=auth-run");
      expect(down).toContain('value="Login &amp; SSO is partly down"');
      expect(down).toMatch(
        /name="component.auth">(<option[^>]*>[^<]*<\/option>)*<option value="partial_outage" selected/,
      );
      expect(down).not.toMatch(/<option value="major_outage" selected/);
      expect(down).toMatch(/id="severity-minor" name="severity" value="minor" checked/);
    } finally {
      await object.reportMonitor(changeTo("auth-run", "up"));
    }
  });

  it("answers 404 for a monitor that does not exist", async () => {
    expect((await (await signedIn()).get("/console/incidents/new?monitor=ghost")).status).toBe(404);
  });
});
