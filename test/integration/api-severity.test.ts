import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/workers/api.ts";
import { startPage } from "../helpers/workers/worker.ts";

beforeAll(startPage, 60_000);

const declare = (extra: Record<string, unknown>) =>
  api("POST", "/incidents", { body: { name: "Checkout errors", message: "Looking into it.", ...extra } });

describe("an incident's severity in the API", () => {
  it("sets impact from the config's mapping, and is returned by get and list", async () => {
    const created = await declare({ severity: "critical" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ severity: "critical", impact: "critical" });
    const read = await api("GET", `/incidents/${created.body.id}`);
    expect(read.body).toMatchObject({ severity: "critical", impact: "critical" });
    const listed = await api("GET", "/incidents?status=open&limit=100");
    const row = listed.body.data.find((i: { id: string }) => i.id === created.body.id);
    expect(row).toMatchObject({ severity: "critical", impact: "critical" });
  });

  it("accepts a severity with the impact it maps to; without either the impact is minor and no severity", async () => {
    expect((await declare({ severity: "major", impact: "major" })).body).toMatchObject({
      severity: "major",
      impact: "major",
    });
    expect((await declare({})).body).toMatchObject({ severity: null, impact: "minor" });
    expect((await declare({ impact: "none" })).body).toMatchObject({ severity: null, impact: "none" });
  });

  it("refuses a severity with a contradicting impact with a 400 naming both, and writes nothing", async () => {
    const before = (await api("GET", "/incidents?limit=100")).body.data.length;
    const refused = await declare({ severity: "minor", impact: "critical" });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(["impact", "severity"]);
    expect((await api("GET", "/incidents?limit=100")).body.data.length).toBe(before);
  });

  it("refuses a severity the config does not declare with a 422 naming the field", async () => {
    const refused = await declare({ severity: "apocalyptic" });
    expect(refused.status).toBe(422);
    expect(refused.body.error.fields[0]).toMatchObject({ path: "severity" });
    expect(refused.body.error.fields[0].message).toContain("critical, major, minor");
  });

  it("edits a severity (moving impact with it) and clears it when an impact alone no longer matches", async () => {
    const created = await declare({ severity: "minor" });
    const moved = await api("PATCH", `/incidents/${created.body.id}`, {
      body: { severity: "major" },
      headers: { "if-match": created.headers.get("etag") ?? "" },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ severity: "major", impact: "major" });
    const contradicted = await api("PATCH", `/incidents/${created.body.id}`, {
      body: { severity: "major", impact: "none" },
      headers: { "if-match": moved.headers.get("etag") ?? "" },
    });
    expect(contradicted.status).toBe(400);
    const impactOnly = await api("PATCH", `/incidents/${created.body.id}`, {
      body: { impact: "critical" },
      headers: { "if-match": moved.headers.get("etag") ?? "" },
    });
    expect(impactOnly.body).toMatchObject({ severity: null, impact: "critical" });
  });

  it("is exported with its incident, and never shown on the public API", async () => {
    const created = await declare({ severity: "critical" });
    const exported = await api("GET", "/export");
    const incidents = exported.body.tables.incidents;
    const column = incidents.columns.indexOf("severity");
    expect(column).toBeGreaterThan(-1);
    const row = incidents.rows.find((r: unknown[]) => r[incidents.columns.indexOf("id")] === created.body.id);
    expect(row[column]).toBe("critical");
    const { fetchWorker } = await import("../helpers/workers/worker.ts");
    const publicJson = await (await fetchWorker("/api/v2/incidents.json")).text();
    expect(publicJson).toContain(created.body.id);
    expect(publicJson).not.toContain('"severity"');
  });
});
