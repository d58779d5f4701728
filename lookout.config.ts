import { defineConfig } from "./worker/config/define-config.ts";

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
  ],
  components: [
    { id: "website", name: "Website", description: "acme.example and the docs." },
    { id: "dashboard", name: "Dashboard", description: "The web app at app.acme.example.", group: "core" },
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
  ],
  monitors: [],
});
