import { describe, expect, it } from "vitest";
import { SCOPES } from "../../worker/core/access/scopes.ts";
import { ADMIN, api } from "../helpers/workers/api.ts";
import { fetchWorker } from "../helpers/workers/worker.ts";

describe("tokens and scopes", () => {
  it("creates a token shown once, stores only its hash, and records when it was last used", async () => {
    const created = await api("POST", "/tokens", { body: { name: "status bot", scopes: ["incidents"] } });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^lk_[0-9a-f]{40}$/);
    expect(created.body.lastUsedAt).toBeNull();

    const listed = await api("GET", "/tokens");
    const row = listed.body.data.find((t: { id: string }) => t.id === created.body.id);
    expect(row).toMatchObject({ name: "status bot", scopes: ["incidents"], revokedAt: null });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    const backup = await api("GET", "/export");
    // The export holds the token (its hash), so its secret's absence is not an empty or refused export's.
    expect(backup.status).toBe(200);
    expect(JSON.stringify(backup.body)).toContain(created.body.id);
    expect(JSON.stringify(backup.body)).not.toContain(created.body.token);

    const used = await api("GET", "/incidents", { token: created.body.token });
    expect(used.status).toBe(200);
    const after = (await api("GET", "/tokens")).body.data.find((t: { id: string }) => t.id === created.body.id);
    expect(after.lastUsedAt).not.toBeNull();
  });

  it("answers 403 naming the scope a token lacks, and the audit log names the token that wrote", async () => {
    const { body } = await api("POST", "/tokens", { body: { name: "incident bot", scopes: ["incidents"] } });
    const forbidden = await api("PUT", "/flags/probing", { token: body.token, body: { value: true } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toContain('"flags"');
    const declared = await api("POST", "/incidents", { token: body.token, body: { name: "By bot", message: "Hi." } });
    expect(declared.status).toBe(201);
    const audit = await api("GET", "/audit?limit=5");
    const entry = audit.body.data.find((e: { target: string }) => e.target === declared.body.id);
    expect(entry.actor).toEqual({ id: body.id, name: "incident bot" });
    expect(entry.before).toBeNull();
    expect(entry.after.name).toBe("By bot");
  });

  it("lets a read token read what carries no secret, and nothing else", async () => {
    const { body } = await api("POST", "/tokens", { body: { name: "viewer", scopes: ["read"] } });
    for (const path of ["/incidents", "/maintenances", "/flags", "/alerts", "/alert-channels"]) {
      expect((await api("GET", path, { token: body.token })).status, path).toBe(200);
    }
    for (const path of ["/tokens", "/audit", "/webhooks", "/monitors", "/export"]) {
      expect((await api("GET", path, { token: body.token })).status, path).toBe(403);
    }
    const declared = await api("POST", "/incidents", {
      token: body.token,
      body: { name: "By viewer", message: "Hi." },
    });
    expect(declared.status).toBe(403);
    expect(declared.body.error.message).toContain('"incidents"');
  });

  it("never keeps a new token's secret for an idempotent replay", async () => {
    const request = { body: { name: "retried bot", scopes: ["audit"] }, headers: { "idempotency-key": "mint-1" } };
    const first = await api("POST", "/tokens", request);
    const replay = await api("POST", "/tokens", request);
    expect([first.status, replay.status]).toEqual([201, 201]);
    expect(first.body.token).toMatch(/^lk_/);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toMatchObject({ id: first.body.id, token: null });
    const backup = await api("GET", "/export");
    expect(backup.status).toBe(200);
    expect(JSON.stringify(backup.body)).toContain(first.body.id);
    expect(JSON.stringify(backup.body)).not.toContain(first.body.token);
  });

  it("refuses a revoked token at once", async () => {
    const { body } = await api("POST", "/tokens", { body: { name: "short-lived", scopes: [...SCOPES] } });
    expect((await api("GET", "/incidents", { token: body.token })).status).toBe(200);
    const revoked = await api("DELETE", `/tokens/${body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const refused = await api("GET", "/incidents", { token: body.token });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("unauthorized");
  });

  it("answers 401 for a missing, malformed or unknown token", async () => {
    for (const token of [null, "", "lk_0000", "x".repeat(600), "tok en", `${ADMIN} trailing`]) {
      const response = await api("GET", "/incidents", { token });
      expect(response.status, String(token)).toBe(401);
      expect(response.headers.get("www-authenticate"), String(token)).toMatch(/^Bearer realm="lookout"/);
    }
    const basic = await fetchWorker("/api/v1/incidents", { headers: { authorization: "Basic YWRtaW46YWRtaW4=" } });
    expect(basic.status).toBe(401);
  });

  it("lets a token grant only scopes it holds itself (a `tokens` token cannot mint its way to a backup)", async () => {
    const minter = await api("POST", "/tokens", { body: { name: "minter", scopes: ["tokens", "incidents"] } });
    expect(minter.status).toBe(201);
    const wider = await api("POST", "/tokens", {
      token: minter.body.token,
      body: { name: "wider", scopes: ["incidents", "backup", "subscribers"] },
    });
    expect(wider.status).toBe(403);
    expect(wider.body.error.message).toContain("backup");
    expect(wider.body.error.message).toContain("subscribers");
    const names = (await api("GET", "/tokens")).body.data.map((t: { name: string }) => t.name);
    expect(names).not.toContain("wider");
    const narrower = await api("POST", "/tokens", {
      token: minter.body.token,
      body: { name: "narrower", scopes: ["incidents"] },
    });
    expect(narrower.status).toBe(201);
    expect(narrower.body.scopes).toEqual(["incidents"]);
  });

  it("refuses unknown scopes and empty scope lists with the field named", async () => {
    const bad = await api("POST", "/tokens", { body: { name: "x", scopes: ["root"] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe("scopes.0");
    expect((await api("POST", "/tokens", { body: { name: "x", scopes: [] } })).status).toBe(400);
  });
});

describe("errors a person can act on", () => {
  it("400 names each bad field and why", async () => {
    const response = await api("POST", "/incidents", {
      body: { name: "", message: "x".repeat(10_001), impact: "apocalyptic", components: { api: "on_fire" }, extra: 1 },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("validation_failed");
    const paths = response.body.error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "message", "impact", "components.api", "extra"]));
    const missing = await api("POST", "/incidents", { body: { name: "Only a name" } });
    expect(missing.body.error.fields).toEqual([{ path: "message", message: "required (string)" }]);
  });

  it("400 for a body that is not JSON, 415 for another content type, 413 for an oversized body", async () => {
    const notJson = await api("POST", "/incidents", { body: "{name: oops" });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe("invalid_json");
    const text = await api("POST", "/incidents", {
      body: JSON.stringify({ name: "n", message: "m" }),
      headers: { "content-type": "text/plain" },
    });
    expect(text.status).toBe(415);
    const huge = await api("POST", "/incidents", { body: { name: "n", message: "m", pad: "x".repeat(1_100_000) } });
    expect(huge.status).toBe(413);
  });

  it("404 for unknown ids and paths, 405 for a wrong method, 422 for unknown components", async () => {
    expect((await api("GET", "/incidents/nosuchid")).status).toBe(404);
    expect((await api("GET", "/incidents/..%2F..%2Fetc")).status).toBe(404);
    expect(
      (await api("POST", "/incidents/nosuchid/updates", { body: { status: "identified", message: "m" } })).status,
    ).toBe(404);
    expect((await api("GET", "/nothing-here")).status).toBe(404);
    expect((await api("GET", "/incidents/")).status).toBe(404);
    const wrongMethod = await api("DELETE", "/incidents");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toContain("POST");
    const ghost = await api("POST", "/incidents", {
      body: { name: "n", message: "m", components: { ghost: "major_outage" } },
    });
    expect(ghost.status).toBe(422);
    expect(ghost.body.error.fields[0].path).toBe("components.ghost");
  });

  it("refuses a start in the future and junk query strings", async () => {
    const future = await api("POST", "/incidents", {
      body: { name: "n", message: "m", startedAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(future.status).toBe(422);
    expect((await api("GET", "/incidents?limit=0")).status).toBe(400);
    expect((await api("GET", "/incidents?cursor=nonsense")).status).toBe(400);
    expect((await api("GET", "/incidents?colour=blue")).status).toBe(400);
  });
});

describe("listing", () => {
  it("pages through incidents newest first with a cursor, each exactly once", async () => {
    for (let i = 0; i < 5; i++) await api("POST", "/incidents", { body: { name: `Paged ${i}`, message: "m" } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const page = await api("GET", `/incidents${query}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((i: { id: string }) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const all = await api("GET", "/incidents?limit=100");
    expect(seen).toEqual(all.body.data.map((i: { id: string }) => i.id));
  });
});

describe("who hears what", () => {
  it("tells a caller without access 401 or 403 before anything else about the request", async () => {
    const { body } = await api("POST", "/tokens", { body: { name: "reader", scopes: ["audit"] } });
    const badBody = await api("POST", "/incidents", { token: "lk_not_a_token", body: "{oops" });
    expect(badBody.status).toBe(401);
    const wrongScope = await api("POST", "/incidents", { token: body.token, body: { name: "" } });
    expect(wrongScope.status).toBe(403);
    const noIfMatch = await api("PATCH", "/incidents/abc", { token: "lk_not_a_token", body: { impact: "minor" } });
    expect(noIfMatch.status).toBe(401);
  });

  it("does not read a big import body from someone who may not import", async () => {
    const { body } = await api("POST", "/tokens", { body: { name: "no backups", scopes: ["incidents"] } });
    const big = JSON.stringify({ format: "lookout.export", pad: "x".repeat(5_000_000) });
    expect((await api("POST", "/import", { token: body.token, body: big })).status).toBe(403);
    expect((await api("POST", "/import", { token: "lk_nobody", body: big })).status).toBe(401);
    const tooBig = await api("POST", "/import", { body: JSON.stringify({ pad: "x".repeat(16_000_001) }) });
    expect(tooBig.status).toBe(413);
  });
});
