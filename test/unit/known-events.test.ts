import { describe, expect, it } from "vitest";
import { knownEvents, mayBeKnown } from "../../worker/core/known-events.ts";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
/** Ids shaped like Lookout's and Statuspage's: 12 lowercase characters. */
function randomIds(count: number): string[] {
  return Array.from({ length: count }, () =>
    Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => ALPHABET[byte & 31]).join(""),
  );
}

describe("knownEvents", () => {
  it("never turns away an id it was built from", () => {
    const ids = randomIds(10_000);
    const known = knownEvents(ids);
    expect(ids.filter((id) => !mayBeKnown(known, id))).toEqual([]);
  });

  it("turns away almost every other id, in a filter of bounded size", () => {
    const known = knownEvents(randomIds(10_000));
    expect(atob(known.filter).length).toBeLessThanOrEqual(16_384);
    const passed = randomIds(10_000).filter((id) => mayBeKnown(known, id)).length;
    expect(passed).toBeLessThan(300);
  });

  it("is small for a small page and turns away everything when there are no events", () => {
    const small = knownEvents(randomIds(50));
    expect(atob(small.filter).length).toBe(128);
    const none = knownEvents([]);
    expect(randomIds(1_000).some((id) => mayBeKnown(none, id))).toBe(false);
  });

  it("lets everything through when the filter is damaged, rather than hide a real event", () => {
    expect(mayBeKnown({ bits: 1_024, filter: "" }, "abc")).toBe(true);
  });
});
