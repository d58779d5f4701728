/**
 * Which content coding a client really asked for. Cloudflare (and wrangler
 * dev, through Miniflare) rewrites the `Accept-Encoding` a Worker sees to
 * "br, gzip" whatever the client sent, and keeps the client's own header in
 * `request.cf.clientAcceptEncoding` ("" when it sent none). Only that tells
 * a plain `curl` or `node:http` (which send nothing) from a browser.
 */
export function clientAcceptEncoding(request: Request): string {
  const cf = (request as { cf?: { clientAcceptEncoding?: unknown } }).cf;
  if (typeof cf?.clientAcceptEncoding === "string") return cf.clientAcceptEncoding;
  return request.headers.get("accept-encoding") ?? "";
}

/**
 * Whether to send gzip: only when the client listed gzip (or `*`) with a
 * non-zero weight. Nothing, `identity`, `br` alone or `gzip;q=0` get the
 * plain body (RFC 9110 §12.5.3: identity is always acceptable unless refused).
 */
export function acceptsGzip(header: string): boolean {
  let gzip: number | null = null;
  let any: number | null = null;
  for (const element of header.split(",")) {
    const [coding = "", ...params] = element.trim().toLowerCase().split(";");
    const q = weightOf(params);
    if (coding.trim() === "gzip" || coding.trim() === "x-gzip") gzip = q;
    else if (coding.trim() === "*") any = q;
  }
  return (gzip ?? any ?? 0) > 0;
}

function weightOf(params: string[]): number {
  for (const param of params) {
    const [name, value] = param.split("=").map((part) => part.trim());
    if (name === "q") {
      const q = Number(value);
      return Number.isFinite(q) ? q : 0;
    }
  }
  return 1;
}
