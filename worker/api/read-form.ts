import { readAtMost } from "../platform/bounded-read.ts";

/** Whether a request says it carries a URL-encoded form, the only kind a page's form sends here. */
export function isUrlEncoded(contentType: string | undefined): boolean {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() === "application/x-www-form-urlencoded";
}

/**
 * A form's body as text, or null when it is over `limit` bytes: cut off
 * while streaming (a chunked body has no Content-Length to refuse it by), so
 * a hostile client costs this much and no more, before anything else is asked.
 */
export async function readFormText(request: Request, limit: number): Promise<string | null> {
  if (Number(request.headers.get("content-length") ?? 0) > limit) {
    request.body?.cancel().catch(() => undefined);
    return null;
  }
  const { bytes, truncated } = await readAtMost(request.body, limit);
  // Bytes, then UTF-8: workerd warns when .text() reads a form-encoded body.
  return truncated ? null : new TextDecoder().decode(bytes);
}
