import { runInDurableObject } from "cloudflare:test";
import { handOverToPerson } from "../../../durable-objects/status-page/auto-incidents.ts";
import { WRITE } from "../../../durable-objects/status-page/page-write.ts";
import type { StatusPage } from "../../../durable-objects/status-page/status-page.ts";
import * as writes from "../../../durable-objects/status-page/writes.ts";
import type { ComponentStatus, MaintenanceStatus } from "../../../worker/core/statuses.ts";

/**
 * Writes a test makes inside a StatusPage object, the way a communicator's
 * would land but without the API's checks: each runs in the object
 * (runInDurableObject) through its own write path (one transaction, a new
 * page version, the read model dropped, the outbox woken). The object has no
 * RPC method for them (issue 11, item 12).
 */
type Page = DurableObjectStub<StatusPage>;

function write<T>(page: Page, change: (sql: SqlStorage, now: number) => T, changed?: (result: T) => boolean) {
  return runInDurableObject(page, (instance: StatusPage) => instance[WRITE](change, changed));
}

export function setComponentStatus(page: Page, componentId: string, status: ComponentStatus): Promise<boolean> {
  return write(page, (sql, now) => writes.setComponentStatus(sql, componentId, status, now) !== null, Boolean);
}

export function createIncident(page: Page, input: writes.NewIncident): Promise<string> {
  return write(page, (sql, now) => writes.createIncident(sql, input, now));
}

/** A person's update: the incident is theirs from now on, even if Lookout opened it. */
export function addIncidentUpdate(page: Page, incidentId: string, input: writes.NewIncidentUpdate): Promise<string> {
  return write(page, (sql, now) => {
    const id = writes.addIncidentUpdate(sql, incidentId, input, now);
    handOverToPerson(sql, incidentId);
    return id;
  });
}

export function createMaintenance(page: Page, input: writes.NewMaintenance): Promise<string> {
  return write(page, (sql, now) => writes.createMaintenance(sql, input, now));
}

export function setMaintenanceStatus(page: Page, id: string, status: MaintenanceStatus, body: string) {
  return write(page, (sql, now) => writes.addIncidentUpdate(sql, id, { status, body }, now));
}
