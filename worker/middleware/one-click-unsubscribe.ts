import { readAtMost } from "../platform/bounded-read.ts";

/** RFC 8058's body is 26 bytes; a multipart one is a few hundred. More is something else. */
const LIMIT = 2_048;
const FORM = "application/x-www-form-urlencoded";
const MULTIPART = "multipart/form-data";

/**
 * Whether this POST is an RFC 8058 one-click unsubscribe: a form body (URL
 * encoded or multipart, both allowed by the RFC) whose `List-Unsubscribe` is
 * `One-Click`. Reads at most LIMIT bytes of the body, and consumes it.
 */
export async function isOneClickUnsubscribe(request: Request): Promise<boolean> {
  const contentType = request.headers.get("content-type") ?? "";
  const type = contentType.split(";")[0]?.trim().toLowerCase();
  if (type !== FORM && type !== MULTIPART) return false;
  if (Number(request.headers.get("content-length") ?? 0) > LIMIT) return false;
  const { bytes, truncated } = await readAtMost(request.body, LIMIT);
  if (truncated) return false;
  if (type === FORM) {
    return new URLSearchParams(new TextDecoder().decode(bytes)).get("List-Unsubscribe") === "One-Click";
  }
  try {
    const form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
    return form.get("List-Unsubscribe") === "One-Click";
  } catch {
    return false;
  }
}
