import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../worker/app.tsx";
import { ackPath } from "../../worker/core/alerting/ack-link.ts";
import type { StatusPageReader } from "../../worker/site.ts";
import { LINK_SECRET_FOR_TESTS } from "../helpers/test-secrets.ts";
import { insertAlert, rowsOf } from "../helpers/workers/alert-rows.ts";
import { api } from "../helpers/workers/api.ts";
import { fetchWorker } from "../helpers/workers/worker.ts";

/** The button on the page, as a browser sends it from the page itself. */
const SAME_SITE = {
  origin: "https://status.test",
  "sec-fetch-site": "same-origin",
  "content-type": "application/x-www-form-urlencoded",
};

async function auditFor(target: string) {
  const audit = await api("GET", "/audit?limit=200");
  return (audit.body.data as { action: string; target: string | null; actor: { name: string } }[]).filter(
    (line) => line.target === target,
  );
}

const statusOf = async (id: string) => (await api("GET", `/alerts/${id}`)).body;

afterEach(() => vi.restoreAllMocks());

describe("the acknowledgement link", () => {
  it("GET shows the alert and a button, and acknowledges nothing (link scanners open every link)", async () => {
    const id = await insertAlert({ title: "Checkout API is down" });
    const path = await ackPath(LINK_SECRET_FOR_TESTS, id);
    for (let scan = 0; scan < 3; scan++) {
      const response = await fetchWorker(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("referrer-policy")).toBe("same-origin");
      const html = await response.text();
      expect(html).toContain("Acknowledge this alert?");
      expect(html).toContain("Checkout API is down");
      expect(html).toMatch(new RegExp(`<form method="post" action="${path}">`));
      expect(html).toContain(`<button type="submit">Acknowledge</button>`);
      expect(html).not.toContain("<script");
    }
    expect(await statusOf(id)).toMatchObject({ status: "open", acknowledgedAt: null });
    expect(await auditFor(id)).toEqual([]);
  });

  it("POST acknowledges, as the acknowledgement link, once: pressing again shows the first acknowledgement", async () => {
    const id = await insertAlert({ title: "Search is down" });
    const path = await ackPath(LINK_SECRET_FOR_TESTS, id);
    const pressed = await fetchWorker(path, { method: "POST", headers: SAME_SITE, body: "" });
    expect(pressed.status).toBe(200);
    expect(pressed.headers.get("cache-control")).toBe("no-store");
    expect(pressed.headers.get("referrer-policy")).toBe("same-origin");
    const html = await pressed.text();
    expect(html).toContain("Acknowledged by acknowledgement link");
    expect(html).not.toContain("<button");
    const alert = await statusOf(id);
    expect(alert).toMatchObject({
      status: "acknowledged",
      acknowledgedBy: "acknowledgement link",
      escalation: { nextAt: null },
    });

    const again = await fetchWorker(path, { method: "POST", headers: SAME_SITE, body: "" });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("Acknowledged by acknowledgement link");
    expect((await statusOf(id)).acknowledgedAt).toBe(alert.acknowledgedAt);
    const lines = await auditFor(id);
    expect(lines.map((line) => [line.action, line.actor.name])).toEqual([
      ["alert.acknowledge", "acknowledgement link"],
    ]);
    // Opened afterwards, the link says who has it and offers no button.
    const later = await (await fetchWorker(path)).text();
    expect(later).toContain("Acknowledged by acknowledgement link");
    expect(later).not.toContain("<button");
  });

  it("after an acknowledgement through the API, the link shows that one and changes nothing", async () => {
    const created = await api("POST", "/tokens", { body: { name: "Kim (on call)", scopes: ["alerts"] } });
    const id = await insertAlert();
    expect((await api("POST", `/alerts/${id}/ack`, { token: created.body.token })).status).toBe(200);
    const path = await ackPath(LINK_SECRET_FOR_TESTS, id);
    const pressed = await fetchWorker(path, { method: "POST", headers: SAME_SITE, body: "" });
    expect(pressed.status).toBe(200);
    expect(await pressed.text()).toContain("Acknowledged by Kim (on call)");
    expect((await auditFor(id)).map((line) => line.actor.name)).toEqual(["Kim (on call)"]);
  });

  it("a link with a wrong mac is not found (404), exactly as an alert that does not exist, whatever the method", async () => {
    const id = await insertAlert({ title: "Secret outage title" });
    const other = await insertAlert();
    const right = await ackPath(LINK_SECRET_FOR_TESTS, id);
    const otherMac = (await ackPath(LINK_SECRET_FOR_TESTS, other)).split("/").at(-1);
    const forged = await ackPath("not-the-secret", id);
    const wrongPaths = [
      `/alerts/${id}/ack/${otherMac}`,
      forged,
      `/alerts/${id}/ack/short`,
      `/alerts/${id}/ack/${"A".repeat(32)}`,
      right.replace(id, "UPPERCASE"),
    ];
    const nobody = await ackPath(LINK_SECRET_FOR_TESTS, "nosuchalert9");
    for (const path of [...wrongPaths, nobody]) {
      for (const method of ["GET", "POST"]) {
        const response = await fetchWorker(path, {
          method,
          headers: method === "POST" ? SAME_SITE : {},
          body: undefined,
        });
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(response.headers.get("cache-control")).toBe("no-store");
        expect(await response.text()).not.toContain("Secret outage title");
      }
    }
    expect(await statusOf(id)).toMatchObject({ status: "open" });
    expect(await auditFor(id)).toEqual([]);
  });

  it("refuses a POST from another site (403) and acknowledges nothing", async () => {
    const id = await insertAlert();
    const path = await ackPath(LINK_SECRET_FOR_TESTS, id);
    const senders: Record<string, string>[] = [
      { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      { origin: "https://evil.example" },
      { "sec-fetch-site": "cross-site" },
      { origin: "null" },
    ];
    for (const headers of senders) {
      const response = await fetchWorker(path, { method: "POST", headers, body: "" });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(response.headers.get("cache-control")).toBe("no-store");
    }
    expect(await statusOf(id)).toMatchObject({ status: "open", acknowledgedAt: null });
    expect(await auditFor(id)).toEqual([]);
  });

  it("a resolved alert's link says it is resolved; its button answers 409 and writes nothing", async () => {
    const id = await insertAlert({ status: "resolved", title: "Mail was failing" });
    const path = await ackPath(LINK_SECRET_FOR_TESTS, id);
    const opened = await fetchWorker(path);
    expect(opened.status).toBe(200);
    const html = await opened.text();
    expect(html).toContain("This alert is resolved");
    expect(html).toContain("Mail was failing");
    expect(html).not.toContain("<button");
    const pressed = await fetchWorker(path, { method: "POST", headers: SAME_SITE, body: "" });
    expect(pressed.status).toBe(409);
    expect(await pressed.text()).toContain("This alert is resolved");
    expect(await statusOf(id)).toMatchObject({ status: "resolved", acknowledgedAt: null });
    expect((await rowsOf("audit_log", "seq")).filter((row) => row.target === id)).toEqual([]);
  });

  it("a request that fails on the link is logged without its mac", async () => {
    const unavailable = () => Promise.reject(new Error("StatusPage object unavailable"));
    const failingReader = { snapshot: unavailable, snapshotUnlessCurrent: unavailable } as unknown as StatusPageReader;
    const app = createApp({ reader: () => failingReader, freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
    const id = await insertAlert();
    const path = await ackPath(LINK_SECRET_FOR_TESTS, id);
    const mac = path.split("/").at(-1) as string;
    const lines: string[] = [];
    for (const level of ["debug", "info", "warn", "error"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    for (const method of ["GET", "POST"]) {
      const response = await app.request(
        path,
        { method, headers: method === "POST" ? SAME_SITE : {} },
        env as unknown as Env,
      );
      expect(response.status).toBe(503);
    }
    const logged = lines.join("\n");
    expect(logged.match(/request\.failed/g)).toHaveLength(2);
    expect(logged).toContain(`/alerts/${id}/ack/`);
    expect(logged).not.toContain(mac);
    expect(await statusOf(id)).toMatchObject({ status: "open" });
  });
});
