import type { FieldProblem } from "../core/api/contract.ts";

export type BodyOutcome =
  | { ok: true; bytes: Uint8Array; value: unknown }
  | { ok: false; status: 400 | 413 | 415; code: string; message: string; fields?: FieldProblem[] };

/**
 * Reads a JSON body without trusting the client: the content type must say
 * JSON, the size is capped while streaming (Content-Length can lie or be
 * absent), the bytes must be UTF-8 and the text must parse. An absent body
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
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return tooLarge(limit);
    }
    chunks.push(value);
  }
  if (size === 0) return { ok: true, bytes: new Uint8Array(), value: {} };
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks.splice(0)) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  let raw: string;
  try {
    raw = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, status: 400, code: "invalid_json", message: "the body is not valid UTF-8" };
  }
  try {
    return { ok: true, bytes, value: JSON.parse(raw) };
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
