import { describe, expect, it } from "vitest";
import { defineConfig } from "../../worker/config/define-config.ts";
import { api } from "../helpers/workers/api.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * GET /api/v1/severities: the severities the page applies, the list declare
 * and edit check `severity` against (the console names severities from it).
 */
describe("listing the applied severities", () => {
  it("answers the applied config's severities, to a viewer too, and the API accepts exactly those", async () => {
    await pageObject().reconcile(
      defineConfig({
        page: { name: "Severities", url: "https://status.severities.test" },
        components: [{ id: "api", name: "REST API" }],
        console: {
          severities: [
            { id: "sev1", name: "SEV1", impact: "critical", description: "Down for everyone." },
            { id: "sev2", name: "SEV2", impact: "major", description: "A main feature is broken." },
            { id: "sev3", name: "SEV3", impact: "minor", description: "Some people see errors." },
          ],
        },
      }),
    );
    const token = await api("POST", "/tokens", { body: { name: "viewer", scopes: ["read"] } });
    const listed = await api("GET", "/severities", { token: token.body.token });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((s: { id: string; name: string; impact: string }) => [s.id, s.name, s.impact])).toEqual(
      [
        ["sev1", "SEV1", "critical"],
        ["sev2", "SEV2", "major"],
        ["sev3", "SEV3", "minor"],
      ],
    );
    const declared = await api("POST", "/incidents", { body: { name: "x", message: "y", severity: "sev2" } });
    expect(declared.status).toBe(201);
    expect(declared.body.impact).toBe("major");
    const unknown = await api("POST", "/incidents", { body: { name: "x", message: "y", severity: "critical" } });
    expect(unknown.status).toBe(422);
    expect((await api("GET", "/severities", { token: null })).status).toBe(401);
  });
});
