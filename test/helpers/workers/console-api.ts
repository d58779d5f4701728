import { expect } from "vitest";
import { ROLES, type Role } from "../../../worker/core/access/roles.ts";
import { api } from "./api.ts";

/**
 * What the console's tests set up and read back through the communicator
 * API: the API is the console's own store (decision 0045), so a form's post
 * is checked by what the API then answers and by the audit line it wrote.
 */

/** A new token holding a role's scopes, made by an admin through the API. */
export async function tokenFor(role: Role, name: string): Promise<{ id: string; token: string }> {
  const made = await api("POST", "/tokens", { body: { name, scopes: [...ROLES[role]] } });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return made.body as { id: string; token: string };
}

/** An incident declared through the API (these fields as its body); it must be created. */
export async function declaredThroughApi(body: Record<string, unknown>): Promise<{ id: string; revision: number }> {
  const declared = await api("POST", "/incidents", { body });
  expect(declared.status, JSON.stringify(declared.body)).toBe(201);
  return declared.body as { id: string; revision: number };
}

/** Incidents with this exact name, among the newest hundred. */
export async function incidentsNamed(name: string): Promise<{ id: string; name: string }[]> {
  const listed = await api("GET", "/incidents?limit=100");
  return (listed.body.data as { id: string; name: string }[]).filter((incident) => incident.name === name);
}

/** One line of the audit log, as the API lists it. */
export interface AuditLine {
  action: string;
  actor: { name: string };
  target: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** The audit log's lines about one target (only those of one action if given), newest first. */
export async function auditFor(target: string, action?: string): Promise<AuditLine[]> {
  const log = await api("GET", `/audit?target=${encodeURIComponent(target)}&limit=100`);
  expect(log.status).toBe(200);
  const lines = log.body.data as AuditLine[];
  return action === undefined ? lines : lines.filter((line) => line.action === action);
}

/** The audit log's newest line: what the write just made wrote. */
export async function newestAuditLine(): Promise<AuditLine> {
  const [line] = (await api("GET", "/audit?limit=1")).body.data as AuditLine[];
  return line as AuditLine;
}
