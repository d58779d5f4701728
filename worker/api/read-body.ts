import type { FieldProblem } from "../core/api/contract.ts";
import { readAtMost } from "../platform/bounded-read.ts";
import { parseJsonRefusingDuplicates } from "./duplicate-keys.ts";

export type BodyOutcome =
  | { ok: true; bytes: Uint8Array; value: unknown }
  | { ok: false; status: 400 | 413 | 415; code: string; message: string; fields?: FieldProblem[] };

/**
 * Reads a JSON body without trusting the client: the content type must say
 * JSON, the size is capped while streaming (bounded-read.ts), the bytes must be UTF-8 and the text must parse, naming no key
 * twice in any object (duplicate-keys.ts). An absent body
 * reads as `{}`, so actions whose fields are all optional need none.
 */
export async function readJsonBody(request: Request, limit: number): Promise<BodyOutcome> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) return tooLarge(limit);
  if (!request.body || declared === 0) return { ok: true, bytes: new Uint8Array(), value: {} };
  const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    return {
      ok: false,
      status: 415,
      code: "unsupported_media_type",
      message: `send the body as JSON with Content-Type: application/json (got ${type ? `"${type}"` : "none"})`,
    };
  }
  const { bytes, truncated } = await readAtMost(request.body, limit);
  if (truncated) return tooLarge(limit);
  if (bytes.byteLength === 0) return { ok: true, bytes, value: {} };
  let raw: string;
  try {
    raw = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, status: 400, code: "invalid_json", message: "the body is not valid UTF-8" };
  }
  try {
    const parsed = parseJsonRefusingDuplicates(raw);
    if (parsed.ok) return { ok: true, bytes, value: parsed.value };
    const { key, path } = parsed.duplicate;
    return {
      ok: false,
      status: 400,
      code: "duplicate_key",
      message: `the body names "${key.slice(0, 60)}" twice${path === key ? "" : ` (at ${path.slice(0, 200)})`}; send each key once`,
      fields: [{ path: path.slice(0, 200), message: "given more than once" }],
    };
  } catch (error) {
    return {
      ok: false,
      status: 400,
      code: "invalid_json",
      message: `the body is not valid JSON: ${(error as Error).message}`,
    };
  }
}

function tooLarge(limit: number): BodyOutcome {
  return { ok: false, status: 413, code: "payload_too_large", message: `the body is larger than ${limit} bytes` };
}
