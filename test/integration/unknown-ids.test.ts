import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/app.tsx";
import type { StatusPageReader } from "../../worker/site.ts";
import { api } from "../helpers/workers/api.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/** The real page object behind a reader that counts what reaches it beyond the snapshot. */
function countingReader() {
  const real = pageObject();
  const reached = { event: 0, history: 0, componentDetail: 0, componentEvents: 0 };
  const reader: StatusPageReader = {
    snapshot: () => real.snapshot(),
    snapshotUnlessCurrent: (known) => real.snapshotUnlessCurrent(known),
    async event(id) {
      reached.event++;
      return real.event(id);
    },
    async componentDetail(id, at) {
      reached.componentDetail++;
      return real.componentDetail(id, at);
    },
    async componentEvents(id) {
      reached.componentEvents++;
      return real.componentEvents(id);
    },
    async history(page) {
      reached.history++;
      return real.history(page);
    },
  };
  return { reader, reached };
}

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const randomId = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => ALPHABET[b & 31]).join("");

const ids = { incident: "", maintenance: "", internal: "" };

beforeAll(async () => {
  ids.incident = (
    await api("POST", "/incidents", { body: { name: "Known", message: "m", status: "resolved" } })
  ).body.id;
  ids.maintenance = (
    await api("POST", "/maintenances", {
      body: {
        name: "Known window",
        message: "m",
        scheduledFor: new Date(Date.now() + 3_600_000).toISOString(),
        scheduledUntil: new Date(Date.now() + 7_200_000).toISOString(),
        components: ["search"],
      },
    })
  ).body.id;
  ids.internal = (
    await api("POST", "/incidents", { body: { name: "Hidden", message: "m", visibility: "internal" } })
  ).body.id;
});

describe("made-up ids do not reach the StatusPage object", () => {
  it("answers random incident and maintenance ids 404 from the snapshot", async () => {
    const { reader, reached } = countingReader();
    const app = createApp({ reader: () => reader, sharedCache: () => null });
    const requests = 200;
    for (let i = 0; i < requests; i++) {
      const kind = i % 2 === 0 ? "incidents" : "maintenances";
      const response = await app.request(`https://status.test/${kind}/${randomId()}`, {}, env);
      expect(response.status).toBe(404);
    }
    // Each was a new cache key: without the snapshot's filter, every one would have asked the object.
    expect(reached.event).toBeLessThanOrEqual(2);
  });

  it("still reaches the object for real public events, and turns internal ones away like made-up ones", async () => {
    const { reader, reached } = countingReader();
    const app = createApp({ reader: () => reader, sharedCache: () => null });
    const get = (path: string) => app.request(`https://status.test${path}`, {}, env);
    expect((await get(`/incidents/${ids.incident}`)).status).toBe(200);
    expect((await get(`/maintenances/${ids.maintenance}`)).status).toBe(200);
    expect(reached.event).toBe(2);
    expect((await get(`/incidents/${ids.internal}`)).status).toBe(404);
    // A maintenance's id under /incidents is a real id: the object answers, and it is still a 404.
    expect((await get(`/incidents/${ids.maintenance}`)).status).toBe(404);
    expect(reached.event).toBe(3);
  });

  it("serves a repeated unknown address from the cache, and unknown components without the object", async () => {
    const { reader, reached } = countingReader();
    const app = createApp({ reader: () => reader, sharedCache: () => null });
    const get = (path: string) => app.request(`https://status.test${path}`, {}, env);
    for (let i = 0; i < 20; i++) expect((await get(`/incidents/${ids.maintenance}`)).status).toBe(404);
    expect(reached.event).toBe(1);
    for (let i = 0; i < 20; i++) {
      expect((await get(`/components/${randomId()}`)).status).toBe(404);
      expect((await get(`/components/${randomId()}/history.rss`)).status).toBe(404);
    }
    expect(reached.componentDetail + reached.componentEvents).toBe(0);
  });

  it("finds an incident made public after the filter was built, and one declared since", async () => {
    // A new reader each time, as another isolate would be: this one's copies are at most 4 s old by design.
    const get = (path: string) =>
      createApp({ reader: () => countingReader().reader, sharedCache: () => null }).request(
        `https://status.test${path}`,
        {},
        env,
      );
    const hidden = await api("POST", "/incidents", {
      body: { name: "Hidden, then told", message: "m", visibility: "internal" },
    });
    expect(hidden.status).toBe(201);
    expect((await get(`/incidents/${hidden.body.id}`)).status).toBe(404);
    const shown = await api("PATCH", `/incidents/${hidden.body.id}`, {
      body: { visibility: "public" },
      headers: { "if-match": "*" },
    });
    expect(shown.status, JSON.stringify(shown.body)).toBe(200);
    expect((await get(`/incidents/${hidden.body.id}`)).status).toBe(200);
    const later = await api("POST", "/incidents", { body: { name: "Declared since", message: "m" } });
    expect(later.status).toBe(201);
    expect((await get(`/incidents/${later.body.id}`)).status).toBe(200);
  });

  it("keeps made-up addresses from pushing real pages out of the cache", async () => {
    const { reader } = countingReader();
    const app = createApp({ reader: () => reader, sharedCache: () => null });
    const get = (path: string) => app.request(`https://status.test${path}`, {}, env);
    const real = `/incidents/${ids.incident}`;
    expect((await get(real)).status).toBe(200);
    // More made-up addresses than the isolate's cache holds (200 entries).
    for (let i = 0; i < 300; i++) {
      const kind = ["incidents", "maintenances", "components"][i % 3];
      expect((await get(`/${kind}/${randomId()}`)).status).toBe(404);
    }
    const again = await get(real);
    expect(again.status).toBe(200);
    expect(again.headers.get("x-lookout-cache")).not.toBe("MISS");
  });

  it("keeps history pages to a bounded set of keys: anything but 1 to 1000 is one 404 without the object", async () => {
    const { reader, reached } = countingReader();
    const app = createApp({ reader: () => reader, sharedCache: () => null });
    for (const page of ["0", "1001", "99999", "02", "1.0", "abc", randomId(), `2&page=3`]) {
      const response = await app.request(`https://status.test/history?page=${page}`, {}, env);
      expect(response.status, page).toBe(404);
    }
    expect(reached.history).toBe(0);
    expect((await app.request("https://status.test/history?page=2&x=1", {}, env)).status).toBe(200);
    expect(reached.history).toBe(1);
  });
});
