import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ackPath } from "../../worker/core/alerting/ack-link.ts";
import { LINK_SECRET_FOR_TESTS } from "../helpers/test-secrets.ts";
import { applyChannels, DETAILS, insertAlert, queueNotice, rowsOf } from "../helpers/workers/alert-rows.ts";
import { api } from "../helpers/workers/api.ts";
import { fetchWorker, pageObject } from "../helpers/workers/worker.ts";

/** A token holding every scope but `alerts`, and one holding only `alerts`. */
async function tokens() {
  const others = await api("POST", "/tokens", {
    body: { name: "not on call", scopes: ["incidents", "subscribers", "monitors", "audit"] },
  });
  const oncall = await api("POST", "/tokens", { body: { name: "Sam (on call)", scopes: ["alerts"] } });
  expect(others.status).toBe(201);
  expect(oncall.status).toBe(201);
  return { others: others.body.token as string, oncall: oncall.body.token as string };
}

/** The audit lines about one thing, newest first. */
async function auditFor(target: string) {
  const audit = await api("GET", "/audit?limit=200");
  expect(audit.status).toBe(200);
  return (audit.body.data as { action: string; target: string | null; actor: { name: string } }[]).filter(
    (line) => line.target === target,
  );
}

describe("alerts in the API", () => {
  it("needs the alerts scope for every alert operation", async () => {
    const { others, oncall } = await tokens();
    await applyChannels([{ id: "scope-slack", kind: "slack", urlSecret: "SCOPE_SLACK_URL" }]);
    const id = await insertAlert();
    const calls: [string, string][] = [
      ["GET", "/alerts"],
      ["GET", `/alerts/${id}`],
      ["POST", `/alerts/${id}/ack`],
      ["GET", "/alert-channels"],
      ["POST", "/alert-channels/scope-slack/test"],
      ["PUT", "/holds/channels/scope-slack"],
      ["DELETE", "/holds/channels/scope-slack"],
    ];
    for (const [method, path] of calls) {
      const refused = await api(method, path, { token: others });
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.body.error.message).toContain('"alerts"');
    }
    // Nothing of the refused calls happened.
    expect((await api("GET", `/alerts/${id}`)).body.status).toBe("open");
    for (const [method, path] of calls) {
      expect((await api(method, path, { token: oncall })).status, `${method} ${path}`).toBeLessThan(300);
    }
  });

  it("lists open and acknowledged alerts newest first, resolved ones on asking, a page at a time", async () => {
    const base = Date.parse("2031-01-01T00:00:00Z");
    const older = await insertAlert({ openedAt: base, title: "Older" });
    const acked = await insertAlert({ openedAt: base + 1_000, status: "acknowledged", title: "Acked" });
    const resolved = await insertAlert({ openedAt: base + 2_000, status: "resolved", title: "Over" });
    const newest = await insertAlert({ openedAt: base + 3_000, title: "Newest" });
    await queueNotice(newest, "list-slack", "trigger", `${newest}:step:0`);
    await queueNotice(newest, "list-pager", "trigger", `${newest}:step:1`, "pending");

    const active = await api("GET", "/alerts?limit=100");
    expect(active.status).toBe(200);
    const ids = (active.body.data as { id: string }[]).map((a) => a.id);
    expect(ids.slice(0, 3)).toEqual([newest, acked, older]);
    expect(ids).not.toContain(resolved);
    const shown = active.body.data[0];
    expect(shown).toMatchObject({
      id: newest,
      kind: "monitor_down",
      severity: "critical",
      title: "Newest",
      details: DETAILS,
      status: "open",
      policy: "default",
      openedAt: new Date(base + 3_000).toISOString(),
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      escalation: { steps: 1, reminders: 0, handedOverAt: null, nextAt: new Date(base + 303_000).toISOString() },
    });
    expect(shown.notices).toEqual([
      expect.objectContaining({ channel: "list-slack", kind: "trigger", state: "sent", sentAt: expect.any(String) }),
      expect.objectContaining({ channel: "list-pager", kind: "trigger", state: "pending", sentAt: null }),
    ]);

    const onlyResolved = await api("GET", "/alerts?status=resolved&limit=100");
    expect((onlyResolved.body.data as { id: string }[]).map((a) => a.id)).toContain(resolved);
    expect((onlyResolved.body.data as { status: string }[]).every((a) => a.status === "resolved")).toBe(true);
    const all = (await api("GET", "/alerts?status=all&limit=100")).body.data as { id: string }[];
    expect(all.map((a) => a.id).slice(0, 4)).toEqual([newest, resolved, acked, older]);

    // Two at a time, the cursor carries on where the page ended, nothing skipped or repeated.
    const first = await api("GET", "/alerts?status=all&limit=2");
    expect(first.body.data.map((a: { id: string }) => a.id)).toEqual([newest, resolved]);
    const second = await api("GET", `/alerts?status=all&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((a: { id: string }) => a.id)).toEqual([acked, older]);

    expect((await api("GET", "/alerts?status=bogus")).status).toBe(400);
    expect((await api("GET", "/alerts?limit=0")).status).toBe(400);
    expect((await api("GET", "/alerts?cursor=nope")).status).toBe(400);
  });

  it("reads one alert, and answers 404 for one it does not know", async () => {
    const id = await insertAlert({ title: "Checkout is down" });
    const one = await api("GET", `/alerts/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id, title: "Checkout is down", status: "open", notices: [] });
    const unknown = await api("GET", "/alerts/nosuchalert1");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");
    expect((await api("GET", "/alerts/NOT-AN-ID")).status).toBe(404);
  });

  it("acknowledges once: the escalation stops, one audit line, and again answers the first acknowledgement", async () => {
    const { oncall } = await tokens();
    const id = await insertAlert();
    const first = await api("POST", `/alerts/${id}/ack`, { token: oncall });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      id,
      status: "acknowledged",
      acknowledgedBy: "Sam (on call)",
      escalation: { nextAt: null },
    });
    expect(first.body.acknowledgedAt).toEqual(expect.any(String));

    // Someone else, later: the first acknowledgement stands, nothing more is written.
    const again = await api("POST", `/alerts/${id}/ack`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const lines = await auditFor(id);
    expect(lines.map((line) => line.action)).toEqual(["alert.acknowledge"]);
    expect(lines[0]?.actor.name).toBe("Sam (on call)");
    const [row] = (await rowsOf("alerts", "id")).filter((r) => r.id === id);
    expect(row).toMatchObject({ status: "acknowledged", next_escalation_at: null, acknowledged_by: "Sam (on call)" });
  });

  it("refuses to acknowledge a resolved alert (409) or an unknown one (404), writing nothing", async () => {
    const id = await insertAlert({ status: "resolved" });
    const resolved = await api("POST", `/alerts/${id}/ack`);
    expect(resolved.status).toBe(409);
    expect(resolved.body.error.code).toBe("alert_resolved");
    expect(resolved.body.error.message).toContain("resolved");
    expect((await api("GET", `/alerts/${id}`)).body).toMatchObject({ status: "resolved", acknowledgedAt: null });
    expect(await auditFor(id)).toEqual([]);
    const unknown = await api("POST", "/alerts/nosuchalert2/ack");
    expect(unknown.status).toBe(404);
    expect(await auditFor("nosuchalert2")).toEqual([]);
  });

  it("lists each config channel with its health, hold, what waits, and the secrets it lacks by name only", async () => {
    await applyChannels([
      { id: "ops-slack", kind: "slack", name: "#ops", urlSecret: "OPS_SLACK_URL" },
      // LINK_SECRET is a binding the tests have: present, and its value must never be shown.
      { id: "ops-hook", kind: "webhook", urlSecret: "OPS_HOOK_URL", signingSecret: "LINK_SECRET" },
      { id: "ops-mail", kind: "email", to: "oncall@acme.example" },
    ]);
    const listed = await api("GET", "/alert-channels");
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual(["ops-slack", "ops-hook", "ops-mail"]);
    const [slack, hook, mail] = listed.body.data;
    expect(slack).toMatchObject({
      kind: "slack",
      name: "#ops",
      secrets: ["OPS_SLACK_URL"],
      missingSecrets: ["OPS_SLACK_URL"],
      held: false,
      waiting: 0,
      lastSuccessAt: null,
      lastFailureAt: null,
      lastFailure: null,
      failuresInARow: 0,
    });
    expect(hook).toMatchObject({
      kind: "webhook",
      name: "ops-hook",
      secrets: ["OPS_HOOK_URL", "LINK_SECRET"],
      missingSecrets: ["OPS_HOOK_URL"],
    });
    expect(mail).toMatchObject({ kind: "email", secrets: [], missingSecrets: [] });
    expect(JSON.stringify(listed.body)).not.toContain(LINK_SECRET_FOR_TESTS);

    // Health as the sender records it.
    const failedAt = Date.parse("2031-02-03T04:05:06Z");
    await runInDurableObject(pageObject(), (_, state) => {
      state.storage.sql.exec(
        `UPDATE alert_channels SET last_failure_at = ?, last_failure = 'HTTP 404 from hooks.slack.com', failures_in_a_row = 3
         WHERE id = 'ops-slack'`,
        failedAt,
      );
    });
    const after = (await api("GET", "/alert-channels")).body.data[0];
    expect(after).toMatchObject({
      lastFailureAt: new Date(failedAt).toISOString(),
      lastFailure: "HTTP 404 from hooks.slack.com",
      failuresInARow: 3,
    });
  });

  it("queues one test notice through the outbox (202) for a known channel; 404 for an unknown one", async () => {
    await applyChannels([{ id: "test-slack", kind: "slack", urlSecret: "TEST_SLACK_URL" }]);
    const queued = await api("POST", "/alert-channels/test-slack/test");
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ queued: true, channel: "test-slack", held: false });
    const rows = (await rowsOf("outbox", "seq")).filter((r) => r.channel === "alert" && r.recipient === "test-slack");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "test", ref: null });
    expect(String(rows[0]?.dedupe_key)).toMatch(/^test:\d+$/);
    expect((await auditFor("test-slack")).map((line) => line.action)).toEqual(["alert_channel.test"]);

    const unknown = await api("POST", "/alert-channels/no-such-channel/test");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain("alert channel");
    expect((await api("POST", "/alert-channels/Not_A_Channel/test")).status).toBe(404);
    const none = (await rowsOf("outbox", "seq")).filter((r) => r.recipient === "no-such-channel");
    expect(none).toEqual([]);
  });

  it("holds one alert channel with what waits for it, and lifts it (send or drop), each audited", async () => {
    await applyChannels([
      { id: "held-slack", kind: "slack", urlSecret: "HELD_SLACK_URL" },
      { id: "free-slack", kind: "slack", urlSecret: "FREE_SLACK_URL" },
    ]);
    const held = await api("PUT", "/holds/channels/held-slack");
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ kind: "channel", target: "held-slack", waiting: 0 });
    const id = await insertAlert();
    await queueNotice(id, "held-slack", "trigger", `${id}:step:0`, "pending");
    await queueNotice(id, "held-slack", "reminder", `${id}:reminder:0`, "pending");

    const holds = (await api("GET", "/holds")).body.data as { kind: string; target: string; waiting: number }[];
    expect(holds.find((h) => h.kind === "channel" && h.target === "held-slack")?.waiting).toBe(2);
    const channels = (await api("GET", "/alert-channels")).body.data as {
      id: string;
      held: boolean;
      waiting: number;
    }[];
    expect(channels.find((c) => c.id === "held-slack")).toMatchObject({ held: true, waiting: 2 });
    expect(channels.find((c) => c.id === "free-slack")).toMatchObject({ held: false, waiting: 0 });

    // The held rows wait, untouched.
    const waiting = (await rowsOf("outbox", "seq")).filter((r) => r.recipient === "held-slack");
    expect(waiting.map((r) => r.state)).toEqual(["pending", "pending"]);

    const dropped = await api("DELETE", "/holds/channels/held-slack?pending=drop");
    expect(dropped.status).toBe(200);
    expect(dropped.body).toEqual({ lifted: true, dropped: 2, sent: 0 });
    const after = (await rowsOf("outbox", "seq")).filter((r) => r.recipient === "held-slack");
    expect(after.map((r) => r.state)).toEqual(["dropped", "dropped"]);
    expect((await auditFor("held-slack")).map((line) => line.action)).toEqual(["hold.lift", "hold.channel"]);

    expect((await api("PUT", "/holds/channels/no-such-channel")).status).toBe(404);
    expect((await api("DELETE", "/holds/channels/held-slack?pending=later")).status).toBe(400);
  });

  it("moves no public figure: readers see nothing of an acknowledgement, a test notice or a channel hold", async () => {
    await applyChannels([{ id: "quiet-slack", kind: "slack", urlSecret: "QUIET_SLACK_URL" }]);
    const byApi = await insertAlert();
    const byLink = await insertAlert();
    const version = async () => (await (await fetchWorker("/healthCheck")).json<{ version: number }>()).version;
    const before = await version();
    expect((await api("POST", `/alerts/${byApi}/ack`)).status).toBe(200);
    expect((await api("POST", "/alert-channels/quiet-slack/test")).status).toBe(202);
    expect((await api("PUT", "/holds/channels/quiet-slack")).status).toBe(200);
    expect((await api("DELETE", "/holds/channels/quiet-slack")).status).toBe(200);
    const pressed = await fetchWorker(await ackPath(LINK_SECRET_FOR_TESTS, byLink), {
      method: "POST",
      headers: { origin: "https://status.test", "sec-fetch-site": "same-origin" },
    });
    expect(pressed.status).toBe(200);
    expect((await api("GET", `/alerts/${byLink}`)).body.status).toBe("acknowledged");
    expect(await version()).toBe(before);
  });

  it("is in the OpenAPI document: each operation, its scope, the 202 of a test notice, a channel id's pattern", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the document is read field by field.
    const document = (await (await fetchWorker("/api/v1/openapi.json")).json()) as any;
    const operations: [string, string, string][] = [
      ["/alerts", "get", "alerts.list"],
      ["/alerts/{id}", "get", "alerts.get"],
      ["/alerts/{id}/ack", "post", "alerts.ack"],
      ["/alert-channels", "get", "alertChannels.list"],
      ["/alert-channels/{channel}/test", "post", "alertChannels.test"],
      ["/holds/channels/{channel}", "put", "holds.holdChannel"],
      ["/holds/channels/{channel}", "delete", "holds.liftChannel"],
    ];
    for (const [path, method, id] of operations) {
      const operation = document.paths[path]?.[method];
      expect(operation?.operationId, `${method} ${path}`).toBe(id);
      expect(operation.security).toEqual([{ bearer: ["alerts"] }]);
    }
    const test = document.paths["/alert-channels/{channel}/test"].post;
    expect(Object.keys(test.responses)).toContain("202");
    const pattern = new RegExp(test.parameters[0].schema.pattern);
    expect(["ops-slack", "pd1"].every((id) => pattern.test(id))).toBe(true);
    expect(["Ops", "-lead", "a/b"].some((id) => pattern.test(id))).toBe(false);
    const status = document.paths["/alerts"].get.parameters.find((p: { name: string }) => p.name === "status");
    expect(status.schema.enum).toEqual(["active", "open", "acknowledged", "resolved", "all"]);
  });
});
