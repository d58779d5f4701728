import { SCOPES, type Scope } from "./scopes.ts";

/**
 * The console's roles, each a set of the API's scopes (decision 0045): a
 * person signed in with a role can do in the console exactly what a token
 * with those scopes can do through the API, and the API enforces it.
 * Ordered from least to most: each holds everything the one before holds.
 */
export const ROLES = {
  /** Follows incidents and the page's health; changes nothing. */
  viewer: ["read"],
  /** Runs incidents, maintenances and post-incident reports. */
  communicator: ["read", "incidents", "maintenances", "reports"],
  /** Also flips ops flags, and looks after monitors, alerts, channels, subscribers and webhooks. */
  operator: ["read", "incidents", "maintenances", "reports", "flags", "monitors", "alerts", "subscribers", "audit"],
  /** Everything, tokens and backups included. */
  admin: SCOPES,
} as const satisfies Record<string, readonly Scope[]>;

export type Role = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as Role[];

export function isRole(value: string): value is Role {
  return (ROLE_NAMES as string[]).includes(value);
}

/**
 * The widest role these scopes hold whole, or null when they hold not even
 * the viewer's: how the console names a token's holder. A token with
 * scopes beyond a role (say a communicator's plus `flags`) is named by the
 * role, and can still do what its extra scopes allow.
 */
export function roleOf(scopes: readonly Scope[]): Role | null {
  let widest: Role | null = null;
  for (const role of ROLE_NAMES) {
    if (ROLES[role].every((scope) => scopes.includes(scope))) widest = role;
  }
  return widest;
}
