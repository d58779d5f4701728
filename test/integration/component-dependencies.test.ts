import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { WRITE } from "../../durable-objects/status-page/page-write.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { createApp } from "../../worker/app.tsx";
import { defineConfig } from "../../worker/config/define-config.ts";
import type { PageSnapshot } from "../../worker/core/read-model.ts";
import type { ComponentStatus } from "../../worker/core/statuses.ts";
import { DAY_MS, formatUptime, HOUR_MS, uptimeWindows } from "../../worker/core/uptime.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * A component page's dependency chain and availability ceiling (decision
 * 0041), rendered by the Worker from a page reconciled with a config that
 * declares `dependsOn`, with status histories written at known times:
 *
 *   api ── db (critical) ── disk (critical)
 *       ├─ payments (critical, a provider)
 *       ├─ email (not critical)
 *       └─ vault (critical, hidden)
 *   checkout ── api, db (listed above), region (critical, no data yet)
 *
 * Every component has existed for 100 days; each outage lies within the last
 * 24 hours, so the "24 hours" figures are exact fractions of a whole day.
 */

const tomorrow = new Date(Date.now() + DAY_MS).toISOString().slice(0, 10);

const config = defineConfig({
  page: { name: "Depends", url: "https://status.depends.test" },
  groups: [{ id: "third-party", name: "Third-party services" }],
  components: [
    { id: "disk", name: "Block storage" },
    { id: "db", name: "Database", dependsOn: ["disk"] },
    { id: "payments", name: "Payments provider", group: "third-party" },
    { id: "email", name: "Email provider", group: "third-party" },
    { id: "vault", name: "Secret vault", hidden: true },
    {
      id: "api",
      name: "REST API",
      dependsOn: ["db", { component: "payments" }, { component: "email", critical: false }, "vault"],
    },
    { id: "region", name: "New region", startDate: tomorrow },
    { id: "checkout", name: "Checkout", dependsOn: ["api", { component: "db", critical: false }, "region"] },
  ],
});

/** Seconds of outage in the last 24 hours, each ending an hour or more ago. */
const outages: Record<string, { status: ComponentStatus; seconds: number; hoursAgo: number }> = {
  disk: { status: "major_outage", seconds: 90, hoursAgo: 2 },
  db: { status: "major_outage", seconds: 900, hoursAgo: 3 },
  payments: { status: "partial_outage", seconds: 1_200, hoursAgo: 4 },
  email: { status: "major_outage", seconds: 7_200, hoursAgo: 5 },
  vault: { status: "major_outage", seconds: 300, hoursAgo: 6 },
  api: { status: "major_outage", seconds: 1_800, hoursAgo: 7 },
};
/** Statuses now, set an hour ago (degraded counts as up: the figures above stay exact). */
const statusNow: Record<string, ComponentStatus> = { disk: "degraded_performance", payments: "degraded_performance" };

let created = 0;
/** When the histories were written: the outages lie back from here. */
let written = 0;

beforeAll(async () => {
  const page = pageObject();
  await page.reconcile(config);
  await runInDurableObject(page, (instance: StatusPage) =>
    instance[WRITE]((sql, at) => {
      written = at;
      created = at - 100 * DAY_MS;
      for (const id of ["disk", "db", "payments", "email", "vault", "api", "checkout"]) {
        sql.exec(`DELETE FROM component_status_history WHERE component_id = ?`, id);
        const history: [number, ComponentStatus][] = [[created, "operational"]];
        const outage = outages[id];
        if (outage) {
          const from = at - outage.hoursAgo * HOUR_MS;
          history.push([from, outage.status], [from + outage.seconds * 1000, "operational"]);
        }
        const current = statusNow[id];
        if (current) history.push([at - HOUR_MS, current]);
        for (const [when, status] of history) {
          sql.exec(
            `INSERT INTO component_status_history (component_id, status, at) VALUES (?, ?, ?)`,
            id,
            status,
            when,
          );
        }
        sql.exec(`UPDATE components SET status = ? WHERE id = ?`, current ?? "operational", id);
      }
    }),
  );
});

/** The deployed Worker, without the shared cache; one snapshot for a minute, so every page read here shares it. */
function site() {
  const app = createApp({ freshMs: 60_000, maxStaleMs: 0, sharedCache: () => null });
  return async (path: string) => {
    const response = await app.request(`https://status.test${path}`, {}, env);
    expect(response.status, path).toBe(200);
    return response.text();
  };
}

/**
 * A page and the snapshot it was rendered from: the object keeps one snapshot
 * for a minute, so the same one before and after the request is the page's.
 */
async function renderedFromOneSnapshot(path: string): Promise<{ snapshot: PageSnapshot; html: string }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = await pageObject().snapshot();
    const html = await site()(path);
    const after = await pageObject().snapshot();
    if (before.generatedAt === after.generatedAt) return { snapshot: after, html };
  }
  throw new Error("the snapshot changed during every attempt");
}

interface Row {
  id: string;
  name: string;
  status: string;
  critical: boolean;
  depth: number;
  figures: Record<string, string>;
  listedAbove: boolean;
}

/** The chain as the page lists it, in order, with each member's depth. */
function chainOf(html: string): Row[] {
  const section = html.slice(html.indexOf('<ul class="chain">'), html.indexOf("</section>"));
  const rows: Row[] = [];
  let depth = 0;
  const token =
    /<ul class="chain">|<\/ul>|<li><a href="\/components\/([^"]+)">([^<]+)<\/a> <span class="status st-([a-z_]+)"><span class="icon" aria-hidden="true"><\/span>[^<]+<\/span> <span class="meta">· (critical|not critical)<\/span><dl class="chain-uptime">(.*?)<\/dl>(<p class="meta">Its own dependencies are listed above\.<\/p>)?/g;
  for (const match of section.matchAll(token)) {
    if (match[0] === '<ul class="chain">') depth++;
    else if (match[0] === "</ul>") depth--;
    else {
      rows.push({
        id: match[1] ?? "",
        name: match[2] ?? "",
        status: match[3] ?? "",
        critical: match[4] === "critical",
        depth,
        figures: figuresOf(match[5] ?? ""),
        listedAbove: match[6] !== undefined,
      });
    }
  }
  return rows;
}

/** "24 hours" → "99.00%" (with its coverage, if any) from a list of windows. */
function figuresOf(dl: string): Record<string, string> {
  return Object.fromEntries(
    [...dl.matchAll(/<dt>([^<]+)<\/dt><dd>(.*?)<\/dd>/g)].map((m) => [m[1], (m[2] ?? "").replace(/<[^>]+>/g, "")]),
  );
}

/** A component page's own four uptime windows, as its "Uptime" section shows them. */
function ownFigures(html: string): Record<string, string> {
  const start = html.indexOf('<dl class="windows">');
  return figuresOf(html.slice(start, html.indexOf("</dl>", start)));
}

function ceilingLines(html: string): Record<string, string> {
  const list = html.slice(html.indexOf('<ul class="ceiling">'), html.indexOf('<ul class="chain">'));
  return Object.fromEntries(
    [...list.matchAll(/<li><strong>([^<]+):<\/strong> ([^<]+)<\/li>/g)].map((m) => [m[1], m[2] ?? ""]),
  );
}

const WINDOWS = ["24 hours", "7 days", "30 days", "90 days"];
/** A whole day's uptime with `seconds` down (partial outage counts 30 %, as everywhere). */
const dayUptime = (id: string) => {
  const outage = outages[id];
  if (!outage) return 1;
  const down = outage.status === "partial_outage" ? 0.3 * outage.seconds : outage.seconds;
  return (86_400 - down) / 86_400;
};

describe("a component page's dependencies", () => {
  it("lists the chain: each dependency linked, with its status, whether it is critical and its uptime", async () => {
    const get = site();
    const html = await get("/components/api");
    const chain = chainOf(html);
    expect(chain.map(({ id, name, status, critical, depth }) => ({ id, name, status, critical, depth }))).toEqual([
      { id: "db", name: "Database", status: "operational", critical: true, depth: 1 },
      { id: "disk", name: "Block storage", status: "degraded_performance", critical: true, depth: 2 },
      { id: "payments", name: "Payments provider", status: "degraded_performance", critical: true, depth: 1 },
      { id: "email", name: "Email provider", status: "operational", critical: false, depth: 1 },
    ]);
    expect(html).toContain('<span class="status st-degraded_performance">');

    // One set of numbers: each member reads exactly as on its own page, in every window.
    for (const row of chain) {
      expect(Object.keys(row.figures), row.id).toEqual(WINDOWS);
      expect(row.figures, row.id).toEqual(ownFigures(await get(`/components/${row.id}`)));
    }
    // The 24 hours are whole days of data: the figures are the outages' fractions of a day.
    expect(chain.map((row) => [row.id, row.figures["24 hours"]])).toEqual(
      ["db", "disk", "payments", "email"].map((id) => [id, formatUptime(dayUptime(id))]),
    );
  });

  it("puts the ceiling, the product of the critical dependencies' uptime, beside its own measured uptime", async () => {
    const get = site();
    const html = await get("/components/api");
    const lines = ceilingLines(html);
    const own = ownFigures(html);
    expect(Object.keys(lines)).toEqual(WINDOWS);
    // Database, the payments provider and the hidden vault bound it; email is not critical, and block storage
    // is inside the database's own figure.
    const ceiling = dayUptime("db") * dayUptime("payments") * dayUptime("vault");
    expect(ceiling).toBeCloseTo(0.98204, 5);
    expect(lines["24 hours"]).toBe(`at best ${formatUptime(ceiling)} given its providers; measured ${own["24 hours"]}`);
    expect(own["24 hours"]).toBe(formatUptime(dayUptime("api")));

    // Every window: the product of the figures the chain shows (whole, not rounded) and the hidden one's.
    const { snapshot, html: same } = await renderedFromOneSnapshot("/components/api");
    const at = Date.parse(snapshot.generatedAt);
    const figure = (id: string) => snapshot.components.find((c) => c.id === id)?.uptimeWindows ?? [];
    const vaultFrom = written - (outages.vault?.hoursAgo ?? 0) * HOUR_MS;
    const vault = uptimeWindows(
      {
        transitions: [
          { at: created, status: "operational" },
          { at: vaultFrom, status: "major_outage" },
          { at: vaultFrom + (outages.vault?.seconds ?? 0) * 1000, status: "operational" },
        ],
        since: created,
      },
      at,
    );
    const fresh = ceilingLines(same);
    WINDOWS.forEach((label, i) => {
      const product = [figure("db"), figure("payments"), vault].reduce((p, w) => p * (w[i]?.uptime ?? Number.NaN), 1);
      const measured = figure("api")[i]?.uptime ?? null;
      expect(fresh[label], label).toBe(
        `at best ${formatUptime(product)} given its providers; measured ${formatUptime(measured)}`,
      );
    });
  });

  it("never names a hidden dependency, and says a critical one is counted in the ceiling", async () => {
    const html = await site()("/components/api");
    expect(html).not.toContain("Secret vault");
    expect(html).not.toContain("/components/vault");
    expect(html).toContain(
      '<li class="not-shown meta">and 1 dependency not shown here (critical: counted in the ceiling)</li>',
    );
  });

  it("says the ceiling is not known, and why, when a critical dependency has no data in the window", async () => {
    const html = await site()("/components/checkout");
    const lines = ceilingLines(html);
    const own = ownFigures(html);
    for (const label of WINDOWS) {
      expect(lines[label], label).toBe(
        `at best not known: New region has no data in this window; measured ${own[label]}`,
      );
    }
    expect(html).not.toContain("at best 100");
    const chain = chainOf(html);
    // The chain: the API with its own chain, then the database again (its own dependencies listed above), and
    // the region without data.
    expect(chain.map((row) => [row.id, row.depth, row.critical, row.listedAbove])).toEqual([
      ["api", 1, true, false],
      ["db", 2, true, false],
      ["disk", 3, true, false],
      ["payments", 2, true, false],
      ["email", 2, false, false],
      ["db", 1, false, true],
      ["region", 1, true, false],
    ]);
    expect(chain.at(-1)?.figures).toEqual(Object.fromEntries(WINDOWS.map((label) => [label, "No data"])));
    // The hidden vault under the API is counted there, not named.
    expect(html).toContain('<li class="not-shown meta">and 1 dependency not shown here</li>');
    expect(html).not.toContain("Secret vault");
  });

  it("shows nothing of the kind for a component without dependencies", async () => {
    const html = await site()("/components/payments");
    expect(html).not.toContain('class="dependencies"');
    expect(html).toContain("<h2>Uptime</h2>");
  });
});
