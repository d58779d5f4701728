import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { SCOPES } from "../../worker/core/access/scopes.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlags } from "../helpers/workers/flags.ts";
import { pageObject } from "../helpers/workers/worker.ts";

const MONITOR_HEADER = "Bearer monitor-credential-7f3a";
const ADDRESS = "export-scopes@example.com";
const AUDITED = "Audited only";

/** Everything a scope guards elsewhere, so each kind can be looked for in what an export answers. */
async function seedGuardedData(): Promise<{ webhookSecret: string }> {
  await pinFlags({ new_subscriptions: true });
  const hook = await api("POST", "/webhooks", { body: { url: "https://hooks.example/lookout" } });
  expect(hook.status).toBe(201);
  const secret = await api("GET", `/webhooks/${hook.body.id}/secret`);
  expect(secret.status).toBe(200);
  await pageObject().subscribe(ADDRESS, null);
  const incident = await api("POST", "/incidents", { body: { name: AUDITED, message: "m", visibility: "internal" } });
  expect(incident.status).toBe(201);
  // A monitor whose request carries a credential, as lookout.config.ts may declare one.
  await runInDurableObject(pageObject(), (_: StatusPage, state) => {
    const config = {
      id: "private-api",
      kind: "http",
      url: "https://api.example/health",
      headers: { authorization: MONITOR_HEADER },
    };
    state.storage.sql.exec(
      `INSERT INTO monitors (id, config, fingerprint, quorum, down_status, interval_seconds) VALUES (?, ?, 'f', 1, 'major_outage', 3600)`,
      config.id,
      JSON.stringify(config),
    );
  });
  return { webhookSecret: String(secret.body.secret) };
}

async function tokenWith(scopes: readonly string[]): Promise<string> {
  const created = await api("POST", "/tokens", { body: { name: `export ${scopes.join("+")}`, scopes } });
  expect(created.status).toBe(201);
  return created.body.token;
}

describe("export and the scopes a token holds", () => {
  let guarded: { webhookSecret: string };
  beforeAll(async () => {
    guarded = await seedGuardedData();
  });

  // Each token lacks at least one scope whose data an export holds (decision 0028).
  const partial: [string, readonly string[]][] = [
    ["backup alone", ["backup"]],
    ["everything but subscribers (webhook secrets, addresses)", SCOPES.filter((s) => s !== "subscribers")],
    ["everything but monitors (monitor headers)", SCOPES.filter((s) => s !== "monitors")],
    ["everything but audit (the audit log)", SCOPES.filter((s) => s !== "audit")],
    ["everything but tokens (token hashes)", SCOPES.filter((s) => s !== "tokens")],
  ];
  for (const [name, scopes] of partial) {
    it(`refuses a token holding ${name} with a 403 naming what it lacks, and shows none of it`, async () => {
      const token = await tokenWith(scopes);
      const answer = await api("GET", "/export", { token });
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe("forbidden");
      for (const lacking of SCOPES.filter((s) => !scopes.includes(s))) {
        expect(answer.body.error.message).toContain(`"${lacking}"`);
      }
      const text = JSON.stringify(answer.body);
      for (const secret of [guarded.webhookSecret, ADDRESS, MONITOR_HEADER, AUDITED]) {
        expect(text).not.toContain(secret);
      }
      // Nor can it restore one: an import writes every area too.
      const restore = await api("POST", "/import", { token, body: { format: "lookout.export" } });
      expect(restore.status).toBe(403);
    });
  }

  it("gives a token holding every scope the whole page, and that export restores it", async () => {
    const token = await tokenWith(SCOPES);
    const exported = await api("GET", "/export", { token });
    expect(exported.status).toBe(200);
    const text = JSON.stringify(exported.body);
    for (const secret of [guarded.webhookSecret, ADDRESS, MONITOR_HEADER, AUDITED]) expect(text).toContain(secret);
    const counts = (body: { tables: Record<string, { rows: unknown[] }> }) =>
      Object.fromEntries(Object.entries(body.tables).map(([table, data]) => [table, data.rows.length]));

    await runInDurableObject(pageObject(), (_: StatusPage, state) => state.storage.deleteAll());
    await abortAllDurableObjects();
    // Into an empty page only the bootstrap token can call (the page holds no tokens yet).
    const restored = await api("POST", "/import", { body: exported.body });
    expect(restored.status).toBe(200);
    const again = await api("GET", "/export");
    expect(again.status).toBe(200);
    const after = counts(again.body);
    const before = counts(exported.body);
    // The import adds its own audit line; the export's reads touched nothing else.
    expect(after).toEqual({ ...before, audit_log: (before.audit_log ?? 0) + 1 });
    expect(JSON.stringify(again.body.tables.webhooks)).toContain(guarded.webhookSecret);
    expect(JSON.stringify(again.body.tables.subscribers)).toContain(ADDRESS);
  });
});
