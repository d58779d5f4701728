import { defineConfig } from "./worker/config/define-config.ts";

/** Local stand-ins for the services below, started by `npm start` (scripts/demo-targets.ts). Use your real URLs. */
const demo = "http://127.0.0.1:8790";
/** A provider's status page, also started by `npm start` (scripts/demo-provider.ts). Yours: e.g. https://www.cloudflarestatus.com. */
const demoProvider = "http://127.0.0.1:8792/demo-cdn";

/**
 * The page Lookout serves. This example describes a small SaaS company; replace
 * it with your own. Ids are stable identities: rename freely, but changing an id
 * starts that component's history afresh. See README "Configuration".
 */
export default defineConfig({
  page: {
    name: "Acme Cloud",
    url: "https://status.acme.example",
    homepage: "https://acme.example",
    timeZone: "Europe/Berlin",
  },
  groups: [
    { id: "core", name: "Core platform", description: "What every Acme customer relies on." },
    { id: "data", name: "Data services" },
    { id: "integrations", name: "Integrations" },
    { id: "regions", name: "Hosting regions" },
    { id: "third-party", name: "Third-party services", description: "What our providers say about themselves." },
  ],
  components: [
    // Served through the CDN: down with it (a bare id is a critical dependency).
    { id: "website", name: "Website", description: "acme.example and the docs.", dependsOn: ["cdn"] },
    {
      id: "dashboard",
      name: "Dashboard",
      description: "The web app at app.acme.example.",
      group: "core",
      // Needs the API and sign-in; its assets fall back to the origin when the CDN is in trouble.
      dependsOn: ["api", "auth", { component: "cdn", critical: false }],
    },
    { id: "api", name: "REST API", description: "api.acme.example, v1 and v2.", group: "core" },
    { id: "auth", name: "Login & SSO", description: "Password, SAML and OAuth sign-in.", group: "core" },
    { id: "billing", name: "Billing", group: "core", onlyShowIfDegraded: true },
    { id: "postgres", name: "Managed Postgres", group: "data" },
    { id: "object-storage", name: "Object storage", group: "data" },
    { id: "search", name: "Search", description: "Full-text search indexes.", group: "data" },
    { id: "webhooks", name: "Outgoing webhooks", group: "integrations" },
    { id: "slack", name: "Slack app", group: "integrations" },
    { id: "eu-west", name: "EU West (Frankfurt)", group: "regions" },
    { id: "us-east", name: "US East (Virginia)", group: "regions" },
    { id: "ap-south", name: "Asia Pacific (Singapore)", group: "regions" },
    { id: "cdn", name: "Demo CDN", description: "Mirrors the provider's own status page.", group: "third-party" },
  ],
  monitors: [
    {
      id: "api",
      url: `${demo}/api/healthCheck`,
      components: ["api"],
      intervalSeconds: 10,
      json: { path: "status", equals: "ok" },
      degradedAboveMs: 1_000,
    },
    {
      id: "dashboard",
      url: `${demo}/dashboard/healthCheck`,
      components: ["dashboard", "website"],
      intervalSeconds: 30,
    },
    { id: "auth", url: `${demo}/auth/healthCheck`, components: ["auth"], intervalSeconds: 30, keyword: '"ok"' },
    { id: "search", url: `${demo}/search/healthCheck`, components: ["search"], degradedAboveMs: 1_500 },
    { id: "webhooks", url: `${demo}/webhooks/healthCheck`, components: ["webhooks"], intervalSeconds: 20 },
    { id: "slack", url: `${demo}/slack/healthCheck`, components: ["slack"], downStatus: "partial_outage" },
    { id: "postgres", kind: "tcp", host: "127.0.0.1", port: 8791, components: ["postgres"], intervalSeconds: 30 },
    // The nightly-style billing run checks in at its heartbeat URL (npm start prints it and calls it every 30 s).
    { id: "billing-run", kind: "heartbeat", components: ["billing"], intervalSeconds: 60, graceSeconds: 30 },
    // Is it us or them? A target that is always up: while it fails, Lookout suspects itself, not Acme.
    { id: "canary", role: "canary", url: `${demo}/canary/healthCheck`, intervalSeconds: 30 },
    { id: "eu-west", url: `${demo}/eu-west/healthCheck`, components: ["eu-west"] },
    { id: "us-east", url: `${demo}/us-east/healthCheck`, components: ["us-east"] },
    { id: "ap-south", url: `${demo}/ap-south/healthCheck`, components: ["ap-south"] },
    // A provider: its summary.json read every minute, narrowed to the part Acme uses (by name or id).
    // The local page serves a real page's components; its group "Canvas" is what its incidents hit.
    {
      id: "demo-cdn",
      kind: "statuspage",
      url: demoProvider,
      providerComponents: ["Canvas"],
      components: ["cdn"],
      intervalSeconds: 60,
    },
  ],
  /**
   * The on-call team hears first (README "Alerting"). Secrets are named, never
   * written here: `npm start` points ALERT_SLACK_URL and ALERT_PAGER_URL at its
   * local catcher (http://127.0.0.1:8025/#alerts); in production,
   * `wrangler secret put ALERT_SLACK_URL` with your Slack incoming webhook.
   */
  alerting: {
    channels: [
      { id: "oncall-slack", name: "#oncall in Slack", kind: "slack", urlSecret: "ALERT_SLACK_URL" },
      // Stands in for a paging tool: a signed generic webhook (a PagerDuty channel takes its place in production).
      {
        id: "pager",
        name: "Pager",
        kind: "webhook",
        urlSecret: "ALERT_PAGER_URL",
        signingSecret: "ALERT_PAGER_SIGNING_SECRET",
      },
      { id: "oncall-mail", name: "On-call mailbox", kind: "email", to: "oncall@acme.example" },
    ],
    policies: [
      {
        // Slack at once; the pager if nobody has acknowledged after a minute; the mailbox after 5.
        id: "oncall",
        steps: [
          { channels: ["oncall-slack"] },
          { afterMinutes: 1, channels: ["pager"] },
          { afterMinutes: 5, channels: ["oncall-mail"] },
        ],
        repeatEveryMinutes: 10,
      },
      // Slow is worth a message, not a page.
      { id: "heads-up", steps: [{ channels: ["oncall-slack"] }] },
    ],
    routes: [{ kinds: ["monitor_degraded"], policy: "heads-up" }, { policy: "oncall" }],
  },
  /**
   * The console (README "Severities and templates"): the default severities
   * (Critical, Major, Minor) and a template to declare from at 3 a.m.
   */
  console: {
    templates: [
      {
        id: "login-down",
        name: "Sign-in failing",
        title: "Customers cannot sign in",
        message: "Some customers cannot sign in. We are investigating and will update within 30 minutes.",
        severity: "major",
        components: { auth: "major_outage" },
      },
    ],
  },
});
