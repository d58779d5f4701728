import { describe, expect, it } from "vitest";
import { headline } from "../../../worker/core/alerting/providers/words.ts";
import { message, notice } from "../../helpers/alert-notices.ts";

/** The first line every provider shows (worker/core/alerting/providers/words.ts). */
describe("a message's headline", () => {
  it("counts alerts, not notices: two notices of one alert are one alert", () => {
    const grouped = { ...message(2), notices: [notice(0), notice(1), notice(0, { notice: "reminder" })] };
    expect(headline(grouped)).toBe("2 alerts on Acme Status: 2 firing");
  });
});
