import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { HISTORY_PAGE_CAP, type HistoryMonth, historyMonths } from "../../worker/core/history-months.ts";
import {
  addIncidentUpdate,
  createIncident,
  createMaintenance,
  setMaintenanceStatus,
} from "../helpers/workers/page-writes.ts";
import { fetchWorker, pageObject } from "../helpers/workers/worker.ts";

const MINUTE = 60_000;
const ids = { current: "", previous: "", boundary: "", page2: "", maintenance: "", page3: "", internal: "" };
let page1: HistoryMonth[] = [];
let page2: HistoryMonth[] = [];
let page3: HistoryMonth[] = [];

const iso = (ms: number) => new Date(ms).toISOString();
const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Each month's section of a history page, by its label. */
function sections(html: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of html.matchAll(/<section aria-label="([^"]+)">([\s\S]*?)<\/section>/g)) {
    found.set(match[1] ?? "", match[2] ?? "");
  }
  return found;
}

async function historyHtml(query: string): Promise<string> {
  const response = await fetchWorker(`/history${query}`);
  expect(response.status, query).toBe(200);
  return response.text();
}

beforeAll(async () => {
  const page = pageObject();
  const { timeZone } = (await page.snapshot()).page;
  const now = Date.now();
  page1 = historyMonths(1, now, timeZone);
  page2 = historyMonths(2, now, timeZone);
  page3 = historyMonths(3, now, timeZone);
  const [thisMonth, lastMonth, emptyMonth] = page1;
  const [page2Newest, , page2Oldest] = page2;
  const [, page3Middle] = page3;
  if (!thisMonth || !lastMonth || !emptyMonth || !page2Newest || !page2Oldest || !page3Middle)
    throw new Error("months");

  ids.current = await createIncident(page, {
    name: "Checkout errors",
    impact: "major",
    body: "Checkout fails for some cards.",
    startedAt: iso(Math.min(thisMonth.fromMs + MINUTE, now)),
  });
  await pause();
  await addIncidentUpdate(page, ids.current, { status: "resolved", body: "Card payments work again." });
  ids.previous = await createIncident(page, {
    name: "Database failover",
    status: "resolved",
    body: "The primary database failed over.",
    startedAt: iso(lastMonth.fromMs + 3 * 86_400_000),
  });
  ids.internal = await createIncident(page, {
    name: "Internal drill",
    status: "resolved",
    body: "Not for customers.",
    visibility: "internal",
    startedAt: iso(lastMonth.fromMs + 4 * 86_400_000),
  });
  // The last second of page 2's newest month: on page 2, and page 1's oldest month stays empty.
  ids.boundary = await createIncident(page, {
    name: "Late night blip",
    status: "resolved",
    body: "A short blip.",
    startedAt: iso(page2Newest.toMs - 1_000),
  });
  ids.page2 = await createIncident(page, {
    name: "Email delays",
    body: "Emails are late.",
    startedAt: iso(page2Newest.fromMs + 86_400_000),
  });
  ids.maintenance = await createMaintenance(page, {
    name: "Network upgrade",
    body: "New switches.",
    scheduledFor: iso(page2Oldest.fromMs + 2 * 86_400_000),
    scheduledUntil: iso(page2Oldest.fromMs + 2 * 86_400_000 + 2 * 3_600_000),
    componentIds: ["api"],
    status: "in_progress",
  });
  await pause();
  await setMaintenanceStatus(page, ids.maintenance, "completed", "The switches are in.");
  ids.page3 = await createIncident(page, {
    name: "Ancient outage",
    status: "resolved",
    body: "Long ago.",
    startedAt: iso(page3Middle.fromMs + 86_400_000),
  });
});

describe("/history by month", () => {
  it("page 1: the current month and the two before it, every month shown", async () => {
    const html = await historyHtml("");
    const months = sections(html);
    expect([...months.keys()]).toEqual(page1.map((m) => m.label));
    const [thisMonth, lastMonth, emptyMonth] = page1.map((m) => months.get(m.label) ?? "");

    expect(thisMonth).toContain(`<a href="/incidents/${ids.current}">Checkout errors</a>`);
    expect(thisMonth).toContain("Resolved");
    expect(thisMonth).toContain("Lasted");
    // The latest update, not the first.
    expect(thisMonth).toContain("Card payments work again.");
    expect(thisMonth).not.toContain("Checkout fails for some cards.");

    expect(lastMonth).toContain(`<a href="/incidents/${ids.previous}">Database failover</a>`);
    expect(emptyMonth).toContain("No incidents reported this month.");
    expect(thisMonth).not.toContain("No incidents reported this month.");

    expect(html).not.toContain("Internal drill");
    expect(html).not.toContain("Email delays");
    expect(html).toContain('<nav aria-label="Pagination">');
    expect(html).toContain('href="/history?page=2"');
    expect(html).toMatch(/href="\/history\?page=2" rel="next">Older/);
    expect(html).not.toContain("Newer");
  });

  it("page 2: the three months before, with both links; the month's last second belongs to it", async () => {
    const html = await historyHtml("?page=2");
    const months = sections(html);
    expect([...months.keys()]).toEqual(page2.map((m) => m.label));
    const [newest = "", middle, oldest] = page2.map((m) => months.get(m.label) ?? "");
    expect(newest).toContain("Late night blip");
    expect(newest).toContain(`<a href="/incidents/${ids.page2}">Email delays</a>`);
    expect(newest).toContain("Investigating");
    expect(newest.indexOf("Late night blip")).toBeLessThan(newest.indexOf("Email delays"));
    expect(middle).toContain("No incidents reported this month.");
    expect(oldest).toContain(`<a href="/maintenances/${ids.maintenance}">Network upgrade</a>`);
    expect(oldest).toContain("Planned maintenance");
    expect(oldest).toContain("Completed");
    expect(oldest).toContain("The switches are in.");
    expect(html).not.toContain("Checkout errors");
    expect(html).toMatch(/href="\/history\?page=1" rel="prev">.*Newer/);
    expect(html).toMatch(/href="\/history\?page=3" rel="next">Older/);
  });

  it("the last page with events has Newer and no Older; far pages show empty months", async () => {
    const html = await historyHtml("?page=3");
    expect(html).toContain("Ancient outage");
    expect(html).toContain('href="/history?page=2"');
    expect(html).not.toContain('href="/history?page=4"');
    expect(html).not.toContain("Older");

    const far = await historyHtml("?page=1000");
    expect((far.match(/No incidents reported this month\./g) ?? []).length).toBe(3);
    expect(far).toContain('href="/history?page=999"');
    expect(far).not.toContain("Older");
  });

  it("caches by page number alone: other query parameters share the entry", async () => {
    const first = await fetchWorker("/history?page=4&x=1");
    expect(first.status).toBe(200);
    expect(first.headers.get("x-lookout-cache")).toBe("MISS");
    const plain = await fetchWorker("/history?page=4");
    expect(plain.headers.get("x-lookout-cache")).toBe("HIT");
    const other = await fetchWorker("/history?utm_source=x&page=4&y=2");
    expect(other.headers.get("x-lookout-cache")).toBe("HIT");
    expect(await plain.text()).toBe(await first.text());
    await other.body?.cancel();

    const five = await fetchWorker("/history?page=5");
    expect(five.headers.get("x-lookout-cache")).toBe("MISS");
    await five.body?.cancel();
    // `/history` is page 1, and page 1 is not page 2.
    const pageOne = await (await fetchWorker("/history?page=1")).text();
    expect(pageOne).toBe(await (await fetchWorker("/history")).text());
    expect(pageOne).not.toBe(await (await fetchWorker("/history?page=2")).text());
  });

  it("lists at most a page's cap of events, and says so", async () => {
    const page = pageObject();
    const { timeZone } = (await page.snapshot()).page;
    const [busy, older] = historyMonths(7, Date.now(), timeZone);
    if (!busy || !older) throw new Error("months");
    // A pathological month, written straight into storage: more events than one page lists.
    await runInDurableObject(page, (_instance: StatusPage, state) => {
      for (let i = 0; i < HISTORY_PAGE_CAP + 5; i++) {
        const at = busy.fromMs + i * MINUTE;
        state.storage.sql.exec(
          `INSERT INTO incidents (id, kind, name, status, impact, created_at, updated_at, started_at)
           VALUES (?, 'incident', ?, 'resolved', 'minor', ?, ?, ?)`,
          `busy${i}`,
          `Busy incident ${i}`,
          at,
          at,
          at,
        );
      }
    });
    const html = await historyHtml("?page=7");
    expect((html.match(/<li class="impact-minor">/g) ?? []).length).toBe(HISTORY_PAGE_CAP);
    expect(html).toContain(`only the ${HISTORY_PAGE_CAP} most recent are shown`);
    // Newest first: the five oldest are the ones left out.
    expect(html).toContain(`Busy incident ${HISTORY_PAGE_CAP + 4}<`);
    expect(html).not.toContain("Busy incident 4<");
    expect(sections(html).get(older.label)).toContain(`this page reached its limit of ${HISTORY_PAGE_CAP}`);
  });

  it("answers a page number that is not one with a real 404", async () => {
    for (const query of [
      "?page=abc",
      "?page=0",
      "?page=-1",
      "?page=02",
      "?page=1.5",
      "?page=1001",
      "?page=",
      "?page=1&page=2",
    ]) {
      const response = await fetchWorker(`/history${query}`);
      expect(response.status, query).toBe(404);
      const html = await response.text();
      expect(html, query).toContain("<h1>Not found</h1>");
      expect(html, query).toContain("There is no history page with this number.");
    }
  });
});
