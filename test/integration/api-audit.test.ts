import { describe, expect, it } from "vitest";
import { api } from "../helpers/workers/api.ts";

type Line = { seq: number; at: string; actor: { id: string; name: string }; action: string; target: string | null };

async function audit(query: string) {
  const answer = await api("GET", `/audit?${query}`);
  expect(answer.status).toBe(200);
  return answer.body as { data: Line[]; nextBefore: number | null };
}

describe("the audit log's filters", { timeout: 20_000 }, () => {
  it("filters by actor (id or part of the name), action (exact or prefix), target and time, paged newest first", async () => {
    const night = await api("POST", "/tokens", { body: { name: "Night Shift", scopes: ["flags", "tokens", "read"] } });
    for (const value of [false, true, null]) {
      await api("PUT", "/flags/probing", { token: night.body.token, body: { value } });
    }
    await api("PUT", "/flags/automatic_incidents", { body: { value: null } });
    const extra = await api("POST", "/tokens", { token: night.body.token, body: { name: "child", scopes: ["read"] } });

    const byId = await audit(`actor=${night.body.id}`);
    expect(byId.data.map((line) => line.action)).toEqual(["token.create", "flag.set", "flag.set", "flag.set"]);
    const byName = await audit("actor=night%20shIFT");
    expect(byName.data.map((line) => line.seq)).toEqual(byId.data.map((line) => line.seq));

    const flags = await audit("action=flag");
    expect(flags.data).toHaveLength(4);
    expect(flags.data.every((line) => line.action === "flag.set")).toBe(true);
    expect((await audit("action=flag.set")).data).toHaveLength(4);
    expect((await audit("action=fla")).data).toHaveLength(0);
    expect((await audit("action=token.create")).data.map((line) => line.target)).toEqual([
      extra.body.id,
      night.body.id,
    ]);

    const probing = await audit("target=probing&action=flag");
    expect(probing.data).toHaveLength(3);

    // Paged: two at a time through the three probing lines, the filters kept.
    const first = await audit("target=probing&limit=2");
    expect(first.data).toHaveLength(2);
    expect(first.nextBefore).toBe(first.data[1]?.seq);
    const second = await audit(`target=probing&limit=2&before=${first.nextBefore}`);
    expect(second.data).toHaveLength(1);
    expect(second.nextBefore).toBeNull();
    expect(second.data[0]?.seq).toBeLessThan(first.data[1]?.seq as number);

    // Time bounds, from the log's own recorded instant: since includes it, until excludes it.
    const created = byId.data.find((line) => line.action === "token.create" && line.target === extra.body.id);
    const at = created?.at as string;
    const since = await audit(`since=${encodeURIComponent(at)}`);
    expect(since.data.some((line) => line.seq === created?.seq)).toBe(true);
    expect(since.data.every((line) => Date.parse(line.at) >= Date.parse(at))).toBe(true);
    const until = await audit(`until=${encodeURIComponent(at)}&limit=200`);
    expect(until.data.some((line) => line.seq === created?.seq)).toBe(false);
    expect(until.data.length).toBeGreaterThan(0);
    expect(until.data.every((line) => Date.parse(line.at) < Date.parse(at))).toBe(true);
  });

  it("refuses a filter that is not one, naming it", async () => {
    for (const [query, field] of [
      ["action=DROP%20TABLE", "action"],
      ["since=yesterday", "since"],
      ["since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", "until"],
      [`target=${"x".repeat(201)}`, "target"],
      ["who=me", ""],
    ] as const) {
      const answer = await api("GET", `/audit?${query}`);
      expect(answer.status, query).toBe(400);
      if (field)
        expect(
          answer.body.error.fields.map((f: { path: string }) => f.path),
          query,
        ).toContain(field);
    }
  });
});
