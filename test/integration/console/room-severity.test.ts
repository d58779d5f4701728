import { beforeAll, describe, expect, it } from "vitest";
import { defineConfig } from "../../../worker/config/define-config.ts";
import { api } from "../../helpers/workers/api.ts";
import { signedIn } from "../../helpers/workers/console.ts";
import { declaredThroughApi, newestAuditLine } from "../../helpers/workers/console-api.ts";
import { pageObject } from "../../helpers/workers/worker.ts";

/**
 * The room's severity and the declare form's roles (review 15, defect 8),
 * and the Resolve form keeping what was typed after a refusal (defect 7).
 * The page here applies its own severities (SEV1–SEV3), which the deployed
 * config (lookout.config.ts: the default Critical, Major, Minor) does not
 * have: the console must name them as the API validates them, from the
 * StatusPage object's applied copy, on the dashboard, the list and the room.
 */
const run = crypto.randomUUID().slice(0, 6);
const config = defineConfig({
  page: { name: "Severity shop", url: "https://status.severity.test" },
  components: [
    { id: "api", name: "REST API" },
    { id: "auth", name: "Login & SSO" },
  ],
  console: {
    severities: [
      { id: "sev1", name: "SEV1", impact: "critical", description: "Customers cannot use the product." },
      { id: "sev2", name: "SEV2", impact: "major", description: "A main feature is broken." },
      { id: "sev3", name: "SEV3", impact: "minor", description: "Some people see errors." },
    ],
  },
});

beforeAll(async () => {
  await pageObject().reconcile(config);
});

async function declare(name: string, severity = "sev2") {
  return (await declaredThroughApi({ name, message: "Looking.", severity, components: { api: "partial_outage" } })).id;
}

/** The room's Resolve section, and whether its notify box is ticked. */
function resolveSection(html: string) {
  const section = /<section aria-labelledby="resolve-title"[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
  return { section, notifyChecked: /<input type="checkbox" name="notify" value="on" checked/.test(section) };
}

describe("the room's severity", { timeout: 60_000 }, () => {
  it("names the applied severity in the room, the incidents list and the dashboard", async () => {
    const name = `Named severity ${run}`;
    const id = await declare(name);
    const browser = await signedIn();
    const room = await (await browser.get(`/console/incidents/${id}`)).text();
    expect(room).toMatch(/<dt>Severity<\/dt><dd>SEV2<\/dd>/);
    const list = await (await browser.get("/console/incidents")).text();
    expect(list).toMatch(new RegExp(`${name}</a>[\\s\\S]{0,200}SEV2 · investigating`));
    const dashboard = await (await browser.get("/console")).text();
    expect(dashboard).toMatch(new RegExp(`${name}</a>[\\s\\S]{0,200}SEV2 · investigating`));
  });

  it("changes the severity in Details: audited under the person, impact follows; an unknown one is named (4xx)", async () => {
    const id = await declare(`Severity change ${run}`, "sev3");
    const browser = await signedIn(undefined, "Ada Lovelace");
    const room = await (await browser.get(`/console/incidents/${id}`)).text();
    expect(room).toContain('<label for="detail-severity">Severity</label>');
    expect(room).toMatch(/<option value="sev3" selected="">SEV3 — Some people see errors.<\/option>/);
    const etag = (/name="etag" value="([^"]+)"/.exec(room)?.[1] ?? "").replaceAll("&quot;", '"');
    const saved = await browser.post(`/console/incidents/${id}/edit`, {
      form: "details",
      etag,
      name: `Severity change ${run}`,
      severity: "sev1",
    });
    expect(saved.status).toBe(303);
    const read = await api("GET", `/incidents/${id}`);
    expect(read.body).toMatchObject({ severity: "sev1", impact: "critical" });
    const line = await newestAuditLine();
    expect(line).toMatchObject({
      action: "incident.edit",
      target: id,
      actor: { name: "Ada Lovelace (bootstrap token)" },
    });

    await browser.get(`/console/incidents/${id}`);
    const refused = await browser.post(`/console/incidents/${id}/edit`, {
      form: "details",
      etag: read.headers.get("etag") ?? "",
      name: "Renamed but refused",
      severity: "sev9",
    });
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain("severity");
    expect(html).toContain('value="Renamed but refused"');
    expect((await api("GET", `/incidents/${id}`)).body.severity).toBe("sev1");
  });
});

describe("the declare form's roles", { timeout: 60_000 }, () => {
  it("offers scribe and investigator too, and declares with them", async () => {
    const browser = await signedIn();
    const form = await (await browser.get("/console/incidents/new")).text();
    expect(form).toMatch(/<label for="scribe">Scribe<\/label>/);
    expect(form).toMatch(/<label for="investigator">Investigator<\/label>/);
    const name = `Four roles ${run}`;
    const answer = await browser.post("/console/incidents/new", {
      name,
      severity: "sev2",
      "component.api": "major_outage",
      message: "Looking.",
      visibility: "public",
      lead: "Grace",
      communicator: "Ada",
      scribe: "Margaret",
      investigator: "Linus",
      notify: "on",
    });
    expect(answer.status).toBe(303);
    const id = new URL(answer.headers.get("location") ?? "", "https://x.test").pathname.split("/").at(-1);
    expect((await api("GET", `/incidents/${id}`)).body).toMatchObject({
      lead: "Grace",
      communicator: "Ada",
      scribe: "Margaret",
      investigator: "Linus",
    });
  });
});

describe("the Resolve form after a refusal", { timeout: 60_000 }, () => {
  it("keeps the typed notify choice and message, with the problem above it, and resolves nothing", async () => {
    const id = await declare(`Resolve refused ${run}`);
    const browser = await signedIn();
    const fresh = await (await browser.get(`/console/incidents/${id}`)).text();
    expect(resolveSection(fresh).notifyChecked).toBe(true);
    const refused = await browser.post(`/console/incidents/${id}/updates`, {
      form: "resolve",
      action: "post",
      status: "resolved",
      message: "x".repeat(10_001),
    });
    expect(refused.status).toBe(400);
    const { section, notifyChecked } = resolveSection(await refused.text());
    expect(section).toContain('role="alert"');
    expect(section).toContain("x".repeat(10_001));
    expect(notifyChecked).toBe(false);
    expect((await api("GET", `/incidents/${id}`)).body.status).toBe("investigating");
  });
});
