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
  const host = parsed.hostname.toLowerCase().replace(/\.+$/, "");
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

/** The URL parser has already normalised the address (compressed, lowercase, IPv4 tails as hex). */
function privateIpv6(host: string): boolean {
  const groups = expandIpv6(host);
  if (!groups) return true;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const tail = [g6 >> 8, g6 & 255, g7 >> 8, g7 & 255];
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  // ::/96 (IPv4-compatible, ::1 and :: included), ::ffff:0:0/96 (mapped), ::ffff:0:0:0/96 (translated).
  if (upperZero && (g5 === 0 || g5 === 0xffff)) return g6 === 0 && g7 <= 1 ? true : privateIpv4(tail);
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) return privateIpv4(tail);
  // 64:ff9b::/96 (NAT64) carries an IPv4 address in its tail; 2002::/16 (6to4) in its second and third groups.
  if (g0 === 0x64 && g1 === 0xff9b) return privateIpv4(tail);
  if (g0 === 0x2002) return privateIpv4([g1 >> 8, g1 & 255, g2 >> 8, g2 & 255]);
  // fc00::/7 unique local, fe80::/10 link-local, fec0::/10 site-local (deprecated), ff00::/8 multicast.
  return (g0 & 0xfe00) === 0xfc00 || (g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0 || (g0 & 0xff00) === 0xff00;
}

/** Eight 16-bit groups, or null for something that is not an IPv6 address in the parser's form. */
function expandIpv6(host: string): number[] | null {
  const [head = "", tail, extra] = host.split("::");
  if (extra !== undefined) return null;
  const parse = (part: string) => (part ? part.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const left = parse(head);
  const right = parse(tail ?? "");
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array(tail === undefined ? 0 : missing).fill(0), ...right];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}
