import { describe, expect, it } from "vitest";
import { api } from "../helpers/workers/api.ts";

describe("JSON bodies that name a key twice", () => {
  it("are refused with a 400 naming the key, and nothing is written", async () => {
    const answer = await api("POST", "/incidents", {
      body: '{"name":"Shown to the reviewer","message":"m","name":"Written instead"}',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("duplicate_key");
    expect(answer.body.error.message).toContain('"name"');
    expect(answer.body.error.fields).toEqual([{ path: "name", message: "given more than once" }]);
    const listed = await api("GET", "/incidents?limit=100");
    expect(listed.status).toBe(200);
    const names = listed.body.data.map((incident: { name: string }) => incident.name);
    expect(names).not.toContain("Written instead");
    expect(names).not.toContain("Shown to the reviewer");
  });

  it("are refused inside nested objects too, by the key's path", async () => {
    const answer = await api("POST", "/incidents", {
      body: '{"name":"Nested","message":"m","components":{"api":"major_outage","api":"operational"}}',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("duplicate_key");
    expect(answer.body.error.message).toContain("components.api");
  });

  it("still takes the same body with each key once", async () => {
    const answer = await api("POST", "/incidents", {
      body: '{"name":"Once","message":"m","components":{"api":"major_outage"}}',
    });
    expect(answer.status).toBe(201);
    expect(answer.body.name).toBe("Once");
  });
});
