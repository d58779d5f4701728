import { isRole, type Role } from "../../worker/core/access/roles.ts";
import type { ConsoleConfig } from "../../worker/core/config/console-schema.ts";
import { readMeta, writeMeta } from "./schema.ts";

/**
 * Who may sign in through Cloudflare Access, and with which role
 * (docs/decisions/0046-access-sign-in.md). Two sources: the config's
 * `console.people`, kept here as the page's reconciled config says, and
 * people added through the API (`console_people`). The config wins: a
 * person it names has the role it gives, and the API cannot change or
 * remove them. Emails are kept and compared in lower case.
 */

export interface AccessSettings {
  teamDomain: string;
  audience: string;
}

export interface Person {
  email: string;
  role: Role;
  source: "config" | "api";
}

interface ConsoleAccessMeta {
  access: AccessSettings | null;
  people: { email: string; role: Role }[];
}

const META = "console_access";

/** Keeps the config's Access settings and people; writes only when they changed (a rewrite is still billed). */
export function applyConsoleAccess(sql: SqlStorage, config: ConsoleConfig | undefined): void {
  const value: ConsoleAccessMeta = {
    access: config?.access ? { teamDomain: config.access.teamDomain, audience: config.access.audience } : null,
    people: (config?.people ?? []).flatMap((person) =>
      isRole(person.role) ? [{ email: person.email.toLowerCase(), role: person.role }] : [],
    ),
  };
  const json = JSON.stringify(value);
  if (readMeta(sql, META) !== json) writeMeta(sql, META, json);
}

function readConsoleAccess(sql: SqlStorage): ConsoleAccessMeta {
  const json = readMeta(sql, META);
  return json ? (JSON.parse(json) as ConsoleAccessMeta) : { access: null, people: [] };
}

/** The Access application the console sits behind, or null when sign-in is by token only. */
export function accessSettings(sql: SqlStorage): AccessSettings | null {
  return readConsoleAccess(sql).access;
}

/** The person an email names now, config first; null when nobody mapped it. */
export function personOf(sql: SqlStorage, email: string): Person | null {
  const wanted = email.toLowerCase();
  const configured = readConsoleAccess(sql).people.find((person) => person.email === wanted);
  if (configured) return { ...configured, source: "config" };
  const row = sql
    .exec<{ email: string; role: string }>(`SELECT email, role FROM console_people WHERE email = ?`, wanted)
    .toArray()[0];
  return row && isRole(row.role) ? { email: row.email, role: row.role, source: "api" } : null;
}

/** Everyone mapped, the config's first (in its order), then the API's by email. */
export function everyone(sql: SqlStorage): (Person & { createdAt: number | null; createdBy: string | null })[] {
  const configured = readConsoleAccess(sql).people;
  const inConfig = new Set(configured.map((person) => person.email));
  const added = sql
    .exec<{ email: string; role: string; created_at: number; created_by: string }>(
      `SELECT email, role, created_at, created_by FROM console_people ORDER BY email`,
    )
    .toArray()
    .filter((row) => !inConfig.has(row.email) && isRole(row.role));
  return [
    ...configured.map((person) => ({ ...person, source: "config" as const, createdAt: null, createdBy: null })),
    ...added.map((row) => ({
      email: row.email,
      role: row.role as Role,
      source: "api" as const,
      createdAt: row.created_at,
      createdBy: row.created_by,
    })),
  ];
}
