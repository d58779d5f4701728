import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../worker/core/api/operations.ts";
import { api } from "../helpers/workers/api.ts";
import { fetchWorker } from "../helpers/workers/worker.ts";

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema objects are read field by field.
type JsonSchema = any;

type Document = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { operationId: string; requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> } }
    >
  >;
};

describe("the OpenAPI document", () => {
  it("describes every operation the router serves, with no token needed to read it", async () => {
    const response = await fetchWorker("/api/v1/openapi.json");
    expect(response.status).toBe(200);
    const document = (await response.json()) as Document;
    expect(document.openapi).toBe("3.1.0");
    const described = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((o) => o.operationId),
    );
    expect(described.sort()).toEqual(Object.keys(OPERATIONS).sort());
  });

  it("says exactly what the validation accepts, because both come from one schema", async () => {
    const document = (await (await fetchWorker("/api/v1/openapi.json")).json()) as Document;
    const schema = document.paths["/incidents"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(schema.required).toEqual(expect.arrayContaining(["name", "message"]));
    expect(schema.additionalProperties).toBe(false);
    const limit: number = schema.properties.message.maxLength;
    expect((await api("POST", "/incidents", { body: { name: "n", message: "x".repeat(limit) } })).status).toBe(201);
    expect((await api("POST", "/incidents", { body: { name: "n", message: "x".repeat(limit + 1) } })).status).toBe(400);
    expect(schema.properties.impact.enum).toEqual(["none", "minor", "major", "critical"]);
    expect(document.paths["/incidents"]?.post?.requestBody?.required).toBe(true);
    expect(document.paths["/maintenances/{id}/cancel"]?.post?.requestBody?.required).toBe(false);
    const idParam = (document.paths["/incidents/{id}"]?.get as JsonSchema)?.parameters?.[0];
    expect(idParam).toMatchObject({ name: "id", in: "path", required: true });
    const pattern = new RegExp(idParam.schema.pattern);
    for (const id of ["abc123", "UPPER", "a".repeat(41), "with-dash"]) {
      const served = await api("GET", `/incidents/${id}`);
      // Whatever the pattern refuses the router answers 404 before looking; what it accepts is looked up (404 too, but only after).
      expect(pattern.test(id), id).toBe(id === "abc123");
      expect(served.status).toBe(404);
    }
  });

  it("renders a readable reference page listing every operation, without script", async () => {
    const response = await fetchWorker("/api/v1/docs");
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const id of Object.keys(OPERATIONS)) expect(html).toContain(`id="${id}"`);
    expect(html).not.toContain("<script");
  });
});
