import { describe, expect, it } from "vitest";
import { readAtMost, readTextAtMost } from "../../worker/platform/bounded-read.ts";

/** An endless body made only as fast as it is pulled, counting what was and whether it was cancelled. */
function endless(chunkBytes: number) {
  const seen = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        seen.pulled += chunkBytes;
        controller.enqueue(new Uint8Array(chunkBytes).fill(0x78));
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

describe("readAtMost", () => {
  it("pulls the limit and the one chunk that crossed it, then cancels the rest", async () => {
    const { stream, seen } = endless(1000);
    const { bytes, truncated } = await readAtMost(stream, 4500);
    expect(truncated).toBe(true);
    expect(bytes.byteLength).toBe(4500);
    expect(seen.pulled).toBe(5000);
    expect(seen.cancelled).toBe(true);
  });

  it("reads a body of exactly the limit whole, not cut", async () => {
    const { bytes, truncated } = await readAtMost(new Response("x".repeat(100)).body, 100);
    expect({ length: bytes.byteLength, truncated }).toEqual({ length: 100, truncated: false });
  });

  it("cancels when a read loses its race (a deadline)", async () => {
    const { stream, seen } = endless(10);
    const late = Promise.reject(new Error("time is up"));
    late.catch(() => undefined);
    await expect(readAtMost(stream, 1_000_000, { race: (step) => Promise.race([step, late]) })).rejects.toThrow(
      "time is up",
    );
    expect(seen.cancelled).toBe(true);
  });
});

describe("readTextAtMost", () => {
  it("quotes the start of an endless answer on one line, marks the cut, and reads no further", async () => {
    const { stream, seen } = endless(64);
    const text = await readTextAtMost(new Response(stream, { status: 500 }), 200);
    expect(text).toBe(`${"x".repeat(200)}…`);
    expect(seen.pulled).toBeLessThanOrEqual(200 + 64);
    expect(seen.cancelled).toBe(true);
  });

  it("is empty, not a rejection, when the body fails", async () => {
    const broken = new ReadableStream({
      pull(controller) {
        controller.error(new Error("reset"));
      },
    });
    expect(await readTextAtMost(new Response(broken), 200)).toBe("");
  });
});
