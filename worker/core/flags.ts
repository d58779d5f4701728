/**
 * Ops flags: switches that change behaviour at run time without a deploy.
 * Each is declared once here, with its meaning, its default per environment
 * and the date by which it must be reviewed (a flag past it fails the tests).
 * `wrangler.toml` can override a default per environment with a variable
 * `FLAG_<NAME>` ("on"/"off"); the communicator API overrides at run time.
 */
export const FLAGS = {
  automatic_incidents: {
    description: "Monitors open, update and resolve incidents by themselves when a component goes down.",
    defaults: { local: true, staging: true, production: false },
    expires: "2027-06-30",
  },
  provider_outages: {
    description:
      "A provider's incident or outage on something you follow alerts the team with your affected components, and opens an incident (internal unless the statuspage monitor says otherwise) that follows the provider's.",
    defaults: { local: false, staging: false, production: false },
    expires: "2027-06-30",
  },
  probing: {
    description: "Monitor objects run their checks. Off: checks are skipped and statuses stay as they are.",
    defaults: { local: true, staging: true, production: true },
    expires: "2027-06-30",
  },
  email_notifications: {
    description:
      "Emails leave the outbox. Off: nothing is sent and everything waits in the outbox until it is turned on again.",
    defaults: { local: true, staging: true, production: true },
    expires: "2027-06-30",
  },
  webhook_notifications: {
    description:
      "Webhooks leave the outbox. Off: nothing is POSTed and every delivery waits in the outbox until it is turned on again.",
    defaults: { local: true, staging: true, production: true },
    expires: "2027-06-30",
  },
  alerting: {
    description:
      "Alerts leave the outbox for the on-call channels. Off: alerts are still opened, escalated and listed, and every notice waits in the outbox until it is turned on again.",
    defaults: { local: true, staging: true, production: true },
    expires: "2027-06-30",
  },
  new_subscriptions: {
    description:
      "People can subscribe. Off: the form and the endpoint say subscriptions are paused; nothing is stored.",
    defaults: { local: true, staging: true, production: true },
    expires: "2027-06-30",
  },
} as const satisfies Record<string, FlagDeclaration>;

export interface FlagDeclaration {
  description: string;
  defaults: { local: boolean; staging: boolean; production: boolean };
  /** YYYY-MM-DD. */
  expires: string;
}

export type FlagName = keyof typeof FLAGS;
export type FlagValues = Record<FlagName, boolean>;

/**
 * The value of every flag where a request or tick starts: the declared default
 * for the environment, then wrangler.toml's FLAG_<NAME>, then run-time overrides.
 */
export function resolveFlags(
  environment: string,
  vars: Record<string, unknown>,
  overrides: Partial<FlagValues> = {},
): FlagValues {
  const env = environment === "production" || environment === "staging" ? environment : "local";
  const values = {} as FlagValues;
  for (const [name, flag] of Object.entries(FLAGS) as [FlagName, FlagDeclaration][]) {
    const fromVars = vars[`FLAG_${name.toUpperCase()}`];
    values[name] =
      overrides[name] ??
      (fromVars === "on" || fromVars === true ? true : fromVars === "off" || fromVars === false ? false : undefined) ??
      flag.defaults[env];
  }
  return values;
}
