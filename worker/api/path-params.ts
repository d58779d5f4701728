/** What a path parameter may look like; the router answers anything else with 404 before a lookup. */
const PATTERNS: Record<string, RegExp> = {
  id: /^[a-z0-9]{1,40}$/,
  /** Flag names as declared in worker/core/flags.ts. */
  name: /^[a-z_]{1,60}$/,
  /** An alert channel: a config id (worker/core/monitors/monitor-config.ts), dashes allowed. */
  channel: /^[a-z0-9][a-z0-9-]{0,62}$/,
  /** A person's email (Cloudflare Access sign-in): the shape, not RFC 5322; compared in lower case. */
  email: /^[^\s/@]{1,64}@[^\s/@]{1,189}$/,
  /** A mail domain, lower case (IDNs as punycode). */
  domain: /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/,
};

export function paramPattern(name: string): RegExp {
  return PATTERNS[name] ?? PATTERNS.id ?? /^$/;
}

/** What to call the thing a parameter names, in a 404. */
export function paramNoun(name: string): string {
  return name === "name"
    ? "flag"
    : name === "domain"
      ? "domain"
      : name === "channel"
        ? "alert channel"
        : name === "email"
          ? "person"
          : "item";
}
