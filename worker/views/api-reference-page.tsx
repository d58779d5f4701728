import type { PageInfo } from "../core/read-model.ts";
import { Layout } from "./layout.tsx";

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  maxLength?: number;
  default?: unknown;
};

type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: { "application/json": { schema: JsonSchema } } };
};

export interface ApiReferenceProps {
  page: PageInfo;
  document: { paths: Record<string, Record<string, Operation>> };
}

/** A readable reference rendered from the OpenAPI document itself: no script, nothing fetched from elsewhere. */
export function ApiReferencePage({ page, document }: ApiReferenceProps) {
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );
  return (
    <Layout page={page} title="API reference">
      <h1>Communicator API</h1>
      <p>
        Every request carries <code>Authorization: Bearer &lt;token&gt;</code>. Bodies are JSON. Errors are{" "}
        <code>{'{"error": {"code", "message", "fields"}}'}</code>. POSTs accept <code>Idempotency-Key</code>; edits take{" "}
        <code>If-Match</code> with the ETag you read. Machine-readable: <a href="/api/v1/openapi.json">openapi.json</a>.
      </p>
      <nav aria-label="Operations">
        <ul class="api-index">
          {operations.map(({ path, method, operation }) => (
            <li>
              <a href={`#${operation.operationId}`}>
                <code>
                  {method.toUpperCase()} /api/v1{path}
                </code>
              </a>{" "}
              {operation.summary}
            </li>
          ))}
        </ul>
      </nav>
      {operations.map(({ path, method, operation }) => (
        <section id={operation.operationId} class="api-operation" aria-labelledby={`${operation.operationId}-title`}>
          <h2 id={`${operation.operationId}-title`}>
            <code>
              {method.toUpperCase()} /api/v1{path}
            </code>
          </h2>
          <p>{operation.summary}</p>
          {operation.description ? <p>{operation.description}</p> : null}
          <p class="meta">Scope: {operation.tags.join(", ")}</p>
          {operation.parameters.length > 0 ? (
            <p class="meta">
              Parameters:{" "}
              {operation.parameters.map((p) => `${p.name} (${p.in}${p.required ? ", required" : ""})`).join("; ")}
            </p>
          ) : null}
          {operation.requestBody ? <Fields schema={operation.requestBody.content["application/json"].schema} /> : null}
        </section>
      ))}
    </Layout>
  );
}

function Fields({ schema }: { schema: JsonSchema }) {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return <p class="meta">Body: see openapi.json.</p>;
  return (
    <table class="api-fields">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Type</th>
          <th scope="col">About</th>
        </tr>
      </thead>
      <tbody>
        {properties.map(([name, field]) => (
          <tr>
            <th scope="row">
              <code>{name}</code>
              {schema.required?.includes(name) ? " (required)" : ""}
            </th>
            <td>{typeOf(field)}</td>
            <td>{field.description ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" | ");
  if (schema.type === "array" && schema.items) return `${typeOf(schema.items)}[]`;
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "object");
  return schema.maxLength ? `${type} (≤ ${schema.maxLength})` : type;
}
