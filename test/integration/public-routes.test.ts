import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { addIncidentUpdate, createIncident, createMaintenance } from "../helpers/workers/page-writes.ts";
import { fetchWorker, pageObject } from "../helpers/workers/worker.ts";

const ids = { active: "", resolved: "", internal: "", maintenance: "" };

beforeAll(async () => {
  const page = pageObject();
  ids.resolved = await createIncident(page, { name: "Login delays", impact: "minor", body: "Logins are slow." });
  await addIncidentUpdate(page, ids.resolved, { status: "resolved", body: "Logins are fast again." });
  ids.active = await createIncident(page, {
    name: "Elevated API errors <script>alert(1)</script>",
    impact: "major",
    body: "We are investigating 5xx responses from the REST API.",
    components: { api: "partial_outage" },
  });
  ids.internal = await createIncident(page, {
    name: "Internal drill",
    body: "Not for customers.",
    visibility: "internal",
  });
  ids.maintenance = await createMaintenance(page, {
    name: "Postgres upgrade",
    body: "Upgrading to the next major version.",
    scheduledFor: new Date(Date.now() + 86_400_000).toISOString(),
    scheduledUntil: new Date(Date.now() + 90_000_000).toISOString(),
    componentIds: ["postgres"],
  });
});

describe("public pages", () => {
  it("/ shows the banner, groups, components, bars and active events, escaped", async () => {
    const response = await fetchWorker("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain("Partial System Outage");
    for (const group of ["Core platform", "Data services", "Integrations", "Hosting regions"])
      expect(html).toContain(group);
    expect(html).toContain("REST API");
    expect(html).toContain("Partial outage");
    // Impact in words, not only the colour of the card's edge.
    expect(html).toContain("Major impact");
    expect(html).toContain('role="img"');
    expect(html).toContain("Postgres upgrade");
    expect(html).toContain(`href="/incidents/${ids.active}"`);
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("Internal drill");
    // Billing is only shown while degraded.
    expect(html).not.toContain(">Billing<");
    expect(html).toContain('href="/history"');
    expect(html).toMatch(/Last updated <time datetime="[^"]+">/);
  });

  it("sends strict security headers with every HTML page", async () => {
    for (const path of ["/", "/history", "/nope"]) {
      const response = await fetchWorker(path);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
    }
  });

  it("/incidents/:id shows the timeline; unknown and internal ids are real 404s", async () => {
    const resolved = await fetchWorker(`/incidents/${ids.resolved}`);
    expect(resolved.status).toBe(200);
    const html = await resolved.text();
    expect(html).toContain("Login delays");
    expect(html.indexOf("Logins are fast again.")).toBeLessThan(html.indexOf("Logins are slow."));
    for (const path of [
      `/incidents/${ids.internal}`,
      "/incidents/doesnotexist",
      "/incidents/%3Cx%3E",
      `/incidents/${ids.maintenance}`,
    ]) {
      const response = await fetchWorker(path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).toContain("Not found");
    }
  });

  it("/maintenances/:id shows the window", async () => {
    const response = await fetchWorker(`/maintenances/${ids.maintenance}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Postgres upgrade");
    expect(html).toContain("Scheduled");
  });

  it("/history lists past incidents and maintenances by month", async () => {
    const response = await fetchWorker("/history");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Incident history");
    expect(html).toContain("Login delays");
    expect(html).not.toContain("Internal drill");
    const monthOf = new Intl.DateTimeFormat("en-GB", {
      month: "long",
      year: "numeric",
      timeZone: "Europe/Berlin",
    });
    const month = monthOf.format(new Date());
    expect(html).toContain(`<h2>${month}</h2>`);
    // Listed in the month its window opens (tomorrow): on page 1 when that is this month; on the last day of a
    // month it opens next month, which the history does not show yet. Either way something is asserted.
    const opensThisMonth = monthOf.format(new Date(Date.now() + 86_400_000)) === month;
    if (opensThisMonth) expect(html).toContain("Postgres upgrade");
    else expect(html).not.toContain("Postgres upgrade");
  });

  it("/components/:id lists every day's uptime as text", async () => {
    const response = await fetchWorker("/components/api");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("REST API");
    expect((html.match(/<th scope="row">/g) ?? []).length).toBe(90);
    expect((await fetchWorker("/components/ghost")).status).toBe(404);
  });

  it("/components/:id lists the component's recent public incidents, and only those", async () => {
    const page = pageObject();
    await createIncident(page, {
      name: "Secret API drill",
      body: "Not for customers.",
      visibility: "internal",
      componentIds: ["api"],
    });
    const api = await (await fetchWorker("/components/api")).text();
    expect(api).toContain("<h2>Recent incidents</h2>");
    expect(api).toContain(`href="/incidents/${ids.active}"`);
    expect(api).not.toContain("Secret API drill");
    // Incidents of the whole page or of other components are not this component's.
    expect(api).not.toContain(`href="/incidents/${ids.resolved}"`);
    const search = await (await fetchWorker("/components/search")).text();
    expect(search).not.toContain(`href="/incidents/${ids.active}"`);
    expect(search).toContain("No incidents in the last 90 days.");
  });

  it("unknown paths get a real 404 page, HEAD too", async () => {
    const response = await fetchWorker("/wp-login.php");
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("<h1>Not found</h1>");
    expect((await fetchWorker("/nope", { method: "HEAD" })).status).toBe(404);
  });

  it("serves the stylesheet and icons as static assets", async () => {
    // Assets are answered before the Worker runs; the e2e test loads them through `npm start`.
    const assets = (path: string) => env.ASSETS.fetch(`https://status.test${path}`);
    const css = await assets("/css/lookout.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toMatch(/text\/css/);
    expect(await css.text()).toContain("prefers-color-scheme: dark");
    expect((await assets("/icons/major_outage.svg")).status).toBe(200);
  });

  it("/robots.txt is a trivial answer from the Worker", async () => {
    const response = await fetchWorker("/robots.txt");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("User-agent: *");
  });
});

describe("/healthCheck", () => {
  it("checks a real round trip to the object's storage and is never cached", async () => {
    const response = await fetchWorker("/healthCheck");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json<{ status: string; checks: { storage: { status: string; latencyMs: number } } }>();
    expect(body.status).toBe("ok");
    expect(body.checks.storage.status).toBe("ok");
    expect(body.checks.storage.latencyMs).toBeGreaterThanOrEqual(0);
  });
});
