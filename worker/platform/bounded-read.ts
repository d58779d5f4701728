/**
 * The one way Lookout reads bytes it did not write — a request body, a
 * webhook receiver's or mail provider's answer, a monitored site's page —
 * so that a sender streaming without end costs at most `limit` bytes (plus
 * the one chunk in hand when the limit is crossed). Content-Length is not
 * trusted: it can lie or be absent (chunked). Whatever happens — done, cut
 * short, failed, out of time — the rest of the stream is cancelled, so it is
 * never downloaded.
 */

export interface BoundedBytes {
  /** At most `limit` bytes: the whole body, or its first `limit` bytes when it was longer. */
  bytes: Uint8Array;
  /** The body had more than `limit` bytes; the rest was not read. */
  truncated: boolean;
}

export interface BoundedReadOptions {
  /** Wraps each read, e.g. to race it against a deadline; a rejection ends the read (and cancels). */
  race?: <T>(step: Promise<T>) => Promise<T>;
}

export async function readAtMost(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  options: BoundedReadOptions = {},
): Promise<BoundedBytes> {
  if (body === null) return { bytes: new Uint8Array(), truncated: false };
  const race = options.race ?? ((step) => step);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await race(reader.read());
      if (done) return { bytes: concat(chunks, total), truncated: false };
      chunks.push(value);
      total += value.byteLength;
      // Strictly more than the limit: a body of exactly the limit is complete, not cut.
      if (total > limit) return { bytes: concat(chunks, limit), truncated: true };
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

/**
 * The start of an answer nobody needs whole (a receiver's error page, a
 * provider's reply), as one line of text: at most `limit` bytes read, the
 * rest cancelled, never a rejection.
 */
export async function readTextAtMost(response: Response, limit: number): Promise<string> {
  try {
    const { bytes, truncated } = await readAtMost(response.body, limit);
    const text = new TextDecoder().decode(bytes).replace(/\s+/g, " ").trim();
    return truncated && text ? `${text}…` : text;
  } catch {
    return "";
  }
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= length) break;
    const part = chunk.subarray(0, length - offset);
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
