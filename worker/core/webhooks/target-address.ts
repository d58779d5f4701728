/**
 * Where a webhook may point. A status page that POSTs wherever it is told is
 * a way into the network it runs beside (SSRF), so outside local dev an
 * endpoint must be https on a public name or address: loopback, private,
 * link-local, carrier-grade NAT, unique-local and "this network" addresses are
 * refused, and so are names that only mean something inside a network
 * (localhost, .local, .internal, .lan, .home.arpa, single labels). Redirects are
 * never followed when delivering, so a public name cannot bounce a delivery
 * inward. Local dev (`ENVIRONMENT = "local"`) allows plain http and loopback,
 * which is where `npm start` and the tests keep their receivers.
 */
export function refusedWebhookTarget(url: string, environment: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not an absolute URL";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return "must be an http(s) URL";
  if (parsed.username || parsed.password) return "must not carry credentials in the URL";
  if (environment === "local") return null;
  if (parsed.protocol !== "https:") return "must use https";
  const host = parsed.hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) return privateIpv6(host.slice(1, -1)) ? "points at a private or loopback address" : null;
  const v4 = ipv4(host);
  if (v4) return privateIpv4(v4) ? "points at a private or loopback address" : null;
  if (!host.includes(".")) return "must be a public domain name";
  if (/(^|\.)(localhost|local|internal|lan|intranet|home\.arpa|localdomain)$/.test(host)) {
    return "must be a public domain name";
  }
  return null;
}

function ipv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null;
  const octets = parts.map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

function privateIpv4([a = 0, b = 0]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

/** The URL parser has already normalised the address (compressed, lowercase). */
function privateIpv6(host: string): boolean {
  if (host === "::" || host === "::1") return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host) ?? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const v4 =
      mapped.length === 2 ? ipv4(mapped[1] as string) : hexPairToIpv4(mapped[1] as string, mapped[2] as string);
    return v4 ? privateIpv4(v4) : true;
  }
  const first = Number.parseInt(host.split(":")[0] || "0", 16);
  // fc00::/7 unique local, fe80::/10 link-local, ff00::/8 multicast.
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00;
}

function hexPairToIpv4(high: string, low: string): number[] {
  const h = Number.parseInt(high, 16);
  const l = Number.parseInt(low, 16);
  return [h >> 8, h & 255, l >> 8, l & 255];
}
