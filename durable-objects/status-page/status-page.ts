import { DurableObject } from "cloudflare:workers";
import config from "#lookout-config";
import { type ApiCall, type ApiResult, problem } from "../../worker/core/api/contract.ts";
import type { OperationId } from "../../worker/core/api/operations.ts";
import { OPERATIONS } from "../../worker/core/api/operations.ts";
import type { ExportDocument } from "../../worker/core/api/schemas.ts";
import type { LookoutConfig } from "../../worker/core/config/schema.ts";
import { type FlagValues, resolveFlags } from "../../worker/core/flags.ts";
import type { MonitorReport } from "../../worker/core/monitors/monitor-report.ts";
import {
  type AffectedComponent,
  type ComponentDetail,
  type HistoryView,
  type IncidentView,
  type MaintenanceView,
  type PageSnapshot,
  snapshotKey,
} from "../../worker/core/read-model.ts";
import { emailSenderFrom } from "../../worker/platform/email/from-env.ts";
import { log, setLogLevel } from "../../worker/platform/log.ts";
import { meterCosts } from "../shared/cost-meter.ts";
import {
  ACK_LINK,
  type Acknowledgement,
  type AlertLinkView,
  acknowledgeAlert,
  linkView,
  readAlertRow,
} from "./alerts/acknowledge.ts";
import { configApplied, configFailed } from "./alerts/config-failed.ts";
import { watchDeliveries } from "./alerts/delivery-failing.ts";
import { alertOnReport } from "./alerts/monitor-alerts.ts";
import { watchSilentMonitors } from "./alerts/watchdog.ts";
import {
  type ConsoleDoor,
  type ConsoleViewer,
  consoleDoor,
  signIn,
  signInWithAccess,
  signOut,
  viewerOf,
} from "./api/console-access.ts";
import { auditLookout } from "./api/context.ts";
import { checkAccess, dispatch } from "./api/dispatch.ts";
import { forgetOldKeys } from "./api/idempotency.ts";
import { isPublicEvent } from "./api/readers-see.ts";
import { resolveQuietIncidents } from "./auto-incidents.ts";
import { componentDetail } from "./component-detail.ts";
import { loadComponentEvents } from "./component-events.ts";
import { loadEvents } from "./events.ts";
import { overrideValues, readOverrides } from "./flag-overrides.ts";
import { historyView } from "./history.ts";
import { alertEscalationJob, wakeEscalation } from "./jobs/alert-escalation.ts";
import { alertsJob } from "./jobs/alerts.ts";
import { mailJob } from "./jobs/mail.ts";
import { kicksWaiting, monitorKicksJob } from "./jobs/monitor-kicks.ts";
import { type Job, runJobs } from "./jobs/run-jobs.ts";
import { webhooksJob } from "./jobs/webhooks.ts";
import { advanceMaintenances, type MaintenanceProgress } from "./maintenances.ts";
import { MONITOR_TRANSITION, observationOf } from "./monitor-observations.ts";
import { addLatency, applyReport, forgetOldLatency } from "./monitors.ts";
import { noteSignOfLife } from "./no-data.ts";
import { bringAlarmForward, Outbox } from "./outbox/outbox.ts";
import type { Channel } from "./outbox/rows.ts";
import { pageInfo } from "./page-info.ts";
import { WRITE } from "./page-write.ts";
import { holdsInstance, noteGroupReport, placeProbeGroups } from "./probe-groups.ts";
import { followProvider, settleRemovedProviders } from "./provider-outages.ts";
import { type ReconcileResult, reconcileWithConfig } from "./reconcile.ts";
import { migrate, PROBE_GROUPS_SCHEMA, readMeta, SCHEMA_VERSION, writeMeta } from "./schema.ts";
import { buildSnapshot } from "./snapshot.ts";
import {
  confirmSubscriber,
  readSubscriber,
  remindOfMaintenances,
  type Subscriber,
  setSubscriberComponents,
  subscribe,
  unsubscribe,
} from "./subscribers.ts";

/** A snapshot older than this is rebuilt so today's uptime bar keeps counting. */
const SNAPSHOT_MAX_AGE_MS = 60_000;
/** More reads than any console page makes: a bound on one call's work, not a limit pages meet. */
const MAX_READS_PER_CALL = 32;

export interface StorageHealth {
  ok: boolean;
  schemaVersion: number;
  version: number;
  detail?: string;
}

/**
 * One per page. Every write goes through here, so writes are serialized and
 * each is one transaction that also bumps the page version. The read model is
 * kept in memory and rebuilt lazily after a write.
 */
export class StatusPage extends DurableObject<Env> {
  #snapshot: PageSnapshot | null = null;
  readonly #outbox: Outbox;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    setLogLevel(env.LOG_LEVEL);
    // Every storage call goes through the cost meter from here on: use this.ctx, not ctx.
    this.ctx = meterCosts(this, this.ctx, "StatusPage");
    this.#outbox = new Outbox(this.ctx.storage, () => this.#openChannels());
    this.ctx.blockConcurrencyWhile(async () => {
      const from = migrate(this.ctx.storage);
      if (from !== SCHEMA_VERSION) log.info("status_page.migrated", { from, to: SCHEMA_VERSION });
      // Monitors that had an object each move into shared probe groups (decision 0038).
      if (from > 0 && from < PROBE_GROUPS_SCHEMA) ctx.storage.transactionSync(() => placeProbeGroups(ctx.storage.sql));
      // Before anything else: what a dead instance had claimed goes again now (a crash mid-delivery).
      await this.#outbox.recover(Date.now());
      await this.#reconcile();
    });
  }

  snapshot(): PageSnapshot {
    return this.#readModel();
  }

  /** The snapshot, for calls inside the object (a public method called after an await is a request of its own). */
  #readModel(): PageSnapshot {
    const now = Date.now();
    if (!this.#snapshot || now - Date.parse(this.#snapshot.generatedAt) > SNAPSHOT_MAX_AGE_MS) {
      this.#snapshot = buildSnapshot(this.ctx.storage.sql, now);
    }
    return this.#snapshot;
  }

  /**
   * The snapshot, or null when the caller's (named by `snapshotKey`) is still
   * the current one: the edge revalidates its copies with this, so a page
   * that has not changed costs a few bytes, not the whole read model.
   */
  snapshotUnlessCurrent(known: string): PageSnapshot | null {
    const snapshot = this.#readModel();
    return snapshotKey(snapshot) === known ? null : snapshot;
  }

  /** A public incident or maintenance by id, or null (internal ones are never returned). */
  event(id: string): IncidentView | MaintenanceView | null {
    return loadEvents(this.ctx.storage.sql, { where: `id = ? AND visibility = 'public'`, params: [id] })[0] ?? null;
  }

  /** The figures a component page shows beyond the snapshot, or null for an unknown component. */
  componentDetail(componentId: string, at?: string): ComponentDetail | null {
    // Taken at the snapshot's instant when the edge names it (never in the future), like its uptime figures.
    const asked = at === undefined ? Number.NaN : Date.parse(at);
    const now = Number.isFinite(asked) ? Math.min(asked, Date.now()) : Date.now();
    return componentDetail(this.ctx.storage.sql, componentId, now);
  }

  /** What a component's feeds carry: its own newest public incidents and maintenances. */
  componentEvents(componentId: string): (IncidentView | MaintenanceView)[] {
    return loadComponentEvents(this.ctx.storage.sql, componentId);
  }

  /** One page of `/history`: three calendar months of public events in the page's time zone. */
  history(page: number): HistoryView {
    return historyView(this.ctx.storage.sql, page, Date.now());
  }

  /**
   * A real round trip to storage, read only: anyone may ask, so asking writes
   * nothing (docs/decisions/0027-bounded-public-work.md). The schema version and the page's reconciled
   * config are read from SQLite on every call, not from memory; a write that
   * failed would show in every communicator's request instead.
   */
  healthCheck(): StorageHealth {
    const sql = this.ctx.storage.sql;
    const schemaVersion = Number(readMeta(sql, "schema_version") ?? 0);
    const reconciled = pageInfo(sql) !== null;
    const ok = schemaVersion === SCHEMA_VERSION && reconciled;
    return {
      ok,
      schemaVersion,
      version: Number(readMeta(sql, "version") ?? 0),
      ...(ok ? {} : { detail: reconciled ? "schema out of date" : "the page has no config applied" }),
    };
  }

  /** Applies a config (the deployed one on every start); new, changed and removed monitors are kicked at once. */
  reconcile(next: LookoutConfig = config): Promise<ReconcileResult> {
    return this.#reconcile(next);
  }

  async #reconcile(next: LookoutConfig = config): Promise<ReconcileResult> {
    const result = this.#apply(next);
    await this.#wakeKicks();
    await wakeEscalation(this.ctx.storage);
    return result;
  }

  #apply(next: LookoutConfig): ReconcileResult {
    let result: ReconcileResult;
    try {
      result = this.#write(
        (now) => {
          const outcome = reconcileWithConfig(this.ctx.storage.sql, next, now);
          if (outcome.changed) this.#audit(now, "config.apply", null, outcome);
          configApplied(this.ctx.storage.sql, now);
          return outcome;
        },
        (r) => r.changed,
      );
    } catch (error) {
      // The failed apply rolled back: the page keeps its last config, and the team hears of it (alerts/config-failed.ts).
      log.error("config.apply_failed", { error });
      this.#transact((now) => configFailed(this.ctx.storage.sql, error, now));
      result = { changed: false, added: [], removed: [], updated: [] };
    }
    return result;
  }

  /**
   * The cron heartbeat: applies the deployed config, moves maintenances along,
   * and wakes the alarm that starts, restarts and stops Monitor objects.
   * `next` is the deployed config; the cost benchmark passes the one it applied.
   */
  async tick(
    next: LookoutConfig = config,
  ): Promise<ReconcileResult & MaintenanceProgress & { resolvedIncidents: string[]; monitorsToKick: number }> {
    // The deployed config, applied again; the kicks and escalations it may cause are woken once, below.
    const reconciled = this.#apply(next);
    const progress = this.#write(
      (now) => {
        forgetOldKeys(this.ctx.storage.sql, now);
        forgetOldLatency(this.ctx.storage.sql, now);
        const moved = advanceMaintenances(this.ctx.storage.sql, now);
        const resolvedIncidents = resolveQuietIncidents(this.ctx.storage.sql, now);
        watchSilentMonitors(this.ctx.storage.sql, now);
        settleRemovedProviders(this.ctx.storage.sql, now);
        watchDeliveries(this.ctx.storage.sql, now);
        for (const { id, sent } of remindOfMaintenances(this.ctx.storage.sql, now)) {
          this.#audit(
            now,
            "maintenance.reminder",
            id,
            sent ? { reminded: true } : { reminded: false, dueBeforeRestore: true },
          );
        }
        for (const id of resolvedIncidents) this.#audit(now, "incident.auto_resolve", id, { status: "resolved" });
        return { ...moved, resolvedIncidents };
      },
      // An internal maintenance starting or ending is out of readers' sight: no new page version.
      (p) =>
        [...p.started, ...p.completed, ...p.resolvedIncidents].some((id) => isPublicEvent(this.ctx.storage.sql, id)),
    );
    await this.#outbox.wake();
    await wakeEscalation(this.ctx.storage);
    return { ...reconciled, ...progress, monitorsToKick: await this.#wakeKicks() };
  }

  /**
   * Brings the alarm forward to now when Monitor objects wait for a kick,
   * whatever later run another job set it for; returns how many wait (up to one batch).
   */
  async #wakeKicks(): Promise<number> {
    const now = Date.now();
    const waiting = kicksWaiting(this.ctx.storage.sql, now, this.#flags().probing);
    if (waiting > 0) await bringAlarmForward(this.ctx.storage, now);
    return waiting;
  }

  /**
   * The alarm's named jobs, in stages: start, restart or stop a batch of
   * Monitor objects, and queue the escalation steps that fell due; then mail,
   * webhooks and alerts side by side (a slow relay never holds up a receiver or
   * a page to the on-call team, nor the other way round), so a step queued in
   * the first stage leaves in the second. Their settings are in jobs/settings.ts.
   * Built per run, from the environment as it is then.
   */
  #jobs(): Job[][] {
    const storage = this.ctx.storage;
    const open = () => this.#openChannels();
    return [
      [monitorKicksJob(storage, this.env, () => this.#flags().probing), alertEscalationJob(storage)],
      [
        mailJob(storage, this.env, this.#outbox, open),
        webhooksJob(storage, this.env, () => this.#readModel(), this.#outbox, open),
        alertsJob(storage, this.env, open),
      ],
    ];
  }

  /** Runs the jobs; the alarm comes back at the earliest next run any of them asks for. */
  override async alarm(): Promise<void> {
    const next = await runJobs(this.#jobs());
    if (next !== null) await this.ctx.storage.setAlarm(Math.max(next, Date.now()));
  }

  /**
   * The channels whose deliveries may leave now. A closed one (no mail sender
   * configured, or its flag off: email_notifications, webhook_notifications,
   * alerting) keeps everything in the outbox: lifting the
   * flag, a deploy with a sender, or the next heartbeat wakes the alarm again.
   */
  #openChannels(): Channel[] {
    const flags = this.#flags();
    const channels: Channel[] = [];
    if (flags.email_notifications && emailSenderFrom(this.env)) channels.push("email");
    if (flags.webhook_notifications) channels.push("webhook");
    if (flags.alerting) channels.push("alert");
    return channels;
  }

  /** A Monitor object's report: state, latency, finished days; components follow its state. */
  async reportMonitor(report: MonitorReport): Promise<{ changes: AffectedComponent[]; incidentId: string | null }> {
    const [outcome] = await this.#applyReports(null, [report]);
    return outcome ?? { changes: [], incidentId: null };
  }

  /**
   * A probe group's reports, in one call: one transaction, one escalation
   * wake-up, and the group noted as alive (decision 0038).
   */
  async reportMonitors(group: string, reports: MonitorReport[]): Promise<void> {
    await this.#applyReports(group, reports);
  }

  async #applyReports(
    group: string | null,
    reports: readonly MonitorReport[],
  ): Promise<{ changes: AffectedComponent[]; incidentId: string | null }[]> {
    const flags = this.#flags();
    const outcomes = this.#write(
      (now) => {
        if (group) noteGroupReport(this.ctx.storage.sql, group, now);
        // A group's word on a monitor it no longer holds (its check was under way as it moved) is not news.
        const held = group ? reports.filter((r) => holdsInstance(this.ctx.storage.sql, group, r)) : reports;
        addLatency(this.ctx.storage.sql, held);
        return held.map((report) => {
          // A silence that just ended is no data on the bars: a change readers see (decision 0023).
          const silenceEnded = noteSignOfLife(this.ctx.storage.sql, report, now);
          const outcome = applyReport(this.ctx.storage.sql, report, now, flags);
          // What the monitor saw, kept as evidence for post-incident reports (monitor-observations.ts).
          if (report.transition) this.#audit(now, MONITOR_TRANSITION, report.monitorId, observationOf(report));
          for (const change of outcome.changes) {
            this.#audit(
              now,
              "component.status",
              change.code,
              { status: change.newStatus },
              { status: change.oldStatus },
            );
          }
          if (outcome.incidentId) this.#audit(now, "incident.auto", outcome.incidentId, { monitor: report.monitorId });
          alertOnReport(this.ctx.storage.sql, report, outcome.incidentId, now);
          // A provider's own trouble: its alert and incident, behind their flag (provider-outages.ts).
          const providerIncident = followProvider(this.ctx.storage.sql, report, now, flags);
          if (providerIncident) this.#audit(now, "incident.provider", providerIncident, { monitor: report.monitorId });
          return { ...outcome, silenceEnded, providerIncident };
        });
      },
      (all) =>
        all.some(
          (o) =>
            o.changes.length > 0 ||
            o.incidentId !== null ||
            o.silenceEnded ||
            o.providerNews === true ||
            (o.providerIncident !== null && isPublicEvent(this.ctx.storage.sql, o.providerIncident)),
        ),
    );
    await wakeEscalation(this.ctx.storage);
    return outcomes.map(({ changes, incidentId }) => ({ changes, incidentId }));
  }

  /** Flags as they stand now, resolved once per call and passed down as plain values. */
  #flags(): FlagValues {
    const overrides = overrideValues(readOverrides(this.ctx.storage.sql));
    return resolveFlags(this.env.ENVIRONMENT, this.env as unknown as Record<string, unknown>, overrides);
  }

  /** Every flag's value now, for Monitor objects and the edge (they cache it for a few seconds). */
  flagValues(): FlagValues {
    return this.#flags();
  }

  /**
   * Someone asked to subscribe (already validated and rate limited at the
   * edge). The answer never says whether the address was known.
   */
  async subscribe(address: string, components: string[] | null): Promise<"accepted" | "paused"> {
    if (!this.#flags().new_subscriptions) return "paused";
    this.#transact((now) => {
      const known = components?.filter(
        (id) =>
          this.ctx.storage.sql
            .exec(`SELECT 1 FROM components WHERE id = ? AND removed_at IS NULL AND hidden = 0`, id)
            .toArray().length,
      );
      subscribe(this.ctx.storage.sql, address, known?.length ? known : null, now);
    });
    await this.#outbox.wake();
    return "accepted";
  }

  /** A subscriber as its manage page shows it; the edge has checked the link's HMAC. */
  subscription(id: string): Subscriber | null {
    return readSubscriber(this.ctx.storage.sql, id);
  }

  confirmSubscription(id: string): Subscriber | null {
    return this.#transact((now) => confirmSubscriber(this.ctx.storage.sql, id, now));
  }

  updateSubscription(id: string, components: string[] | null): Subscriber | null {
    return this.#transact(() => setSubscriberComponents(this.ctx.storage.sql, id, components));
  }

  unsubscribe(id: string): Subscriber | null {
    return this.#transact((now) => unsubscribe(this.ctx.storage.sql, id, now));
  }

  /** An alert as its acknowledgement link's page shows it; the edge has checked the link's HMAC. */
  alertForLink(id: string): AlertLinkView | null {
    const row = readAlertRow(this.ctx.storage.sql, id);
    return row ? linkView(row) : null;
  }

  /**
   * The acknowledgement link's button (a POST; the edge has checked the HMAC
   * and refused other sites): acknowledged by "acknowledgement link", once.
   */
  acknowledgeAlertByLink(id: string): {
    outcome: Acknowledgement["outcome"];
    first: boolean;
    alert: AlertLinkView | null;
  } {
    const result = this.#transact((now) => acknowledgeAlert(this.ctx.storage.sql, id, ACK_LINK, now));
    if (result.outcome === "unknown") return { outcome: "unknown", first: false, alert: null };
    return {
      outcome: result.outcome,
      first: result.outcome === "acknowledged" && result.first,
      alert: linkView(result.alert),
    };
  }

  /** A write that changes nothing readers see (subscribers, the outbox): no new page version. */
  #transact<T>(change: (now: number) => T): T {
    return this.#transaction(change, () => false);
  }

  /** Whether a token may call an operation, asked by the edge before it reads a big body or refuses a request. */
  async authorize(credentialHash: string, operation: OperationId): Promise<ApiResult | null> {
    return checkAccess(this.#apiDeps(), credentialHash, operation);
  }

  /** Signs a person in to the console with a token (worker/console/session.ts). */
  async signIn(request: {
    tokenHash: string;
    sessionHash: string;
    person: string;
    expiresAt: number;
  }): Promise<ConsoleViewer | ApiResult> {
    return signIn(this.#apiDeps(), request);
  }

  /** Who a console session cookie stands for, or null. */
  async consoleViewer(sessionHash: string): Promise<ConsoleViewer | null> {
    return viewerOf(this.#apiDeps(), sessionHash);
  }

  /** Who a console session cookie stands for, and whether Cloudflare Access guards the console (worker/console/viewer.ts). */
  async consoleDoor(sessionHash: string | null): Promise<ConsoleDoor> {
    return consoleDoor(this.#apiDeps(), sessionHash);
  }

  /** Opens a console session for a person whose Access JWT the edge verified; null when nobody mapped their email. */
  async accessSignIn(request: {
    email: string;
    sessionHash: string;
    expiresAt: number;
  }): Promise<ConsoleViewer | null> {
    return signInWithAccess(this.#apiDeps(), request);
  }

  async signOut(sessionHash: string): Promise<boolean> {
    return signOut(this.#apiDeps(), sessionHash);
  }

  #apiDeps() {
    return {
      sql: this.ctx.storage.sql,
      env: this.env,
      write: <T>(change: (now: number) => T, changed: (result: T) => boolean) => this.#write(change, changed),
    };
  }

  /**
   * A console page's reads in one call (worker/console/read-batch.ts), each
   * answered as `api` answers it; anything but a read is refused, unread.
   */
  async apiReads(calls: ApiCall[]): Promise<ApiResult[]> {
    const results: ApiResult[] = [];
    for (const [i, call] of calls.entries()) {
      const read = OPERATIONS[call.operation]?.method === "get" && i < MAX_READS_PER_CALL;
      // The private method: a public one called after an await would be metered as a request of its own.
      results.push(read ? await this.#api(call) : problem(400, "not_a_read", "only reads travel together"));
    }
    return results;
  }

  /** One communicator API request, already validated at the edge (worker/api/router.ts). */
  api(call: ApiCall): Promise<ApiResult> {
    return this.#api(call);
  }

  async #api(call: ApiCall): Promise<ApiResult> {
    const result = await dispatch(this.#apiDeps(), call);
    if (call.operation === "backup.import" && result.status < 300 && !result.replayed) {
      // The restored page last changed when the original did, not now.
      const restored = (call.body as ExportDocument).pageUpdatedAt;
      if (restored) writeMeta(this.ctx.storage.sql, "updated_at", String(Date.parse(restored)));
      this.#snapshot = null;
      // Every Monitor object starts afresh.
      await this.#wakeKicks();
    }
    // A flag flipped (`probing` reaches the Monitor objects with their next kick): within seconds, not at the next cron minute.
    if (call.operation === "flags.set" && result.status < 300) await this.#wakeKicks();
    if (result.status < 300 && OPERATIONS[call.operation].method !== "get") await this.#outbox.wake();
    return result;
  }

  /**
   * Writes for code running inside the object (tests use it through
   * runInDurableObject): one transaction through the same path as every
   * write here. Keyed by a symbol, so it is no RPC method.
   */
  [WRITE]<T>(change: (sql: SqlStorage, now: number) => T, changed?: (result: T) => boolean): T {
    return this.#write((now) => change(this.ctx.storage.sql, now), changed);
  }

  /** A line in the audit log for a write Lookout made by itself. */
  #audit(now: number, action: string, target: string | null, after: unknown, before: unknown = null): void {
    auditLookout(this.ctx.storage.sql, now, action, target, after, before);
  }

  /** Runs one write in a transaction; when it changed anything, bumps the version and drops the read model. */
  #write<T>(change: (now: number) => T, changed: (result: T) => boolean = () => true): T {
    return this.#transaction(change, changed);
  }

  /**
   * Every write runs here: one transaction, a new page version when `changed`
   * says readers see it, and — whatever it put in the outbox — the outbox
   * wakes the alarm for it (Outbox.afterWrite), so nothing waits for the next
   * cron minute.
   */
  #transaction<T>(change: (now: number) => T, changed: (result: T) => boolean): T {
    const now = Date.now();
    const sql = this.ctx.storage.sql;
    const { outcome, mark } = this.ctx.storage.transactionSync(() => {
      const mark = this.#outbox.mark();
      const outcome = change(now);
      if (changed(outcome)) {
        writeMeta(sql, "version", String(Number(readMeta(sql, "version") ?? 0) + 1));
        writeMeta(sql, "updated_at", String(now));
        this.#snapshot = null;
      }
      return { outcome, mark };
    });
    this.#outbox.afterWrite(mark, now);
    return outcome;
  }
}
