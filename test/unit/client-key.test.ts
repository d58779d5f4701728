import { describe, expect, it } from "vitest";
import { clientKey } from "../../worker/core/client-key.ts";

describe("the key a rate limit counts a client under", () => {
  it("is an IPv4 address itself", () => {
    expect(clientKey("198.51.100.7")).toBe("198.51.100.7");
  });

  it("is an IPv6 address's /64, however the address is written", () => {
    const key = "2001:db8:aa:1::/64";
    expect(clientKey("2001:db8:aa:1::1")).toBe(key);
    expect(clientKey("2001:0db8:00aa:0001:ffff:ffff:ffff:fffe")).toBe(key);
    expect(clientKey("2001:DB8:AA:1:0:0:0:9")).toBe(key);
    expect(clientKey("2001:db8:aa:2::1")).not.toBe(key);
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
    expect(clientKey("2001:db8::")).toBe("2001:db8:0:0::/64");
    expect(clientKey("::ffff:198.51.100.7")).toBe("0:0:0:0::/64");
  });

  it("keeps what is no address as it came, rather than folding strangers together", () => {
    expect(clientKey("local")).toBe("local");
    expect(clientKey("1:2:3")).toBe("1:2:3");
    expect(clientKey("1::2::3")).toBe("1::2::3");
    expect(clientKey("zz:1::")).toBe("zz:1::");
  });
});
