import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { pinFlags } from "../helpers/workers/flags.ts";
import { fetchWorker, pageObject } from "../helpers/workers/worker.ts";

let client = 0;
const post = (contentType: string, body: string) =>
  fetchWorker("/subscribe", {
    method: "POST",
    headers: { "content-type": contentType, "cf-connecting-ip": `198.51.100.${++client}` },
    body,
  });
const subscribers = (address: string) =>
  runInDurableObject(pageObject(), (_: StatusPage, state) =>
    state.storage.sql.exec(`SELECT id FROM subscribers WHERE address = ?`, address).toArray(),
  );

beforeAll(() => pinFlags({ new_subscriptions: true }));

describe("subscribing to components the page does not have", () => {
  it("is a 400 naming the unknown ids, from the form, and subscribes no one", async () => {
    const form = new URLSearchParams({ email: "unknown-form@example.com" });
    for (const id of ["api", "no-such-thing", "also-missing"]) form.append("components", id);
    const answer = await post("application/x-www-form-urlencoded", form.toString());
    expect(answer.status).toBe(400);
    const page = await answer.text();
    expect(page).toContain("no-such-thing");
    expect(page).toContain("also-missing");
    expect(page).not.toContain("Check your inbox");
    expect(await subscribers("unknown-form@example.com")).toEqual([]);
  });

  it("is a 400 naming the unknown ids, from JSON, and subscribes no one", async () => {
    const answer = await post(
      "application/json",
      JSON.stringify({ email: "unknown-json@example.com", components: ["dashboard", "nope"] }),
    );
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("unknown_components");
    expect(body.error.message).toContain('"nope"');
    expect(body.error.message).not.toContain('"dashboard"');
    expect(await subscribers("unknown-json@example.com")).toEqual([]);
  });

  it("still subscribes to components that exist", async () => {
    const answer = await post(
      "application/json",
      JSON.stringify({ email: "known-json@example.com", components: ["dashboard", "api"] }),
    );
    expect(answer.status).toBe(202);
    expect(await subscribers("known-json@example.com")).toHaveLength(1);
  });

  it("refuses a JSON body naming a key twice with a 400 naming it", async () => {
    const answer = await post("application/json", '{"email":"shown@example.com","email":"sent@example.com"}');
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("duplicate_key");
    expect(body.error.message).toContain('"email"');
    expect(await subscribers("sent@example.com")).toEqual([]);
  });
});
