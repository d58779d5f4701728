import type { PageInfo } from "../../../core/read-model.ts";
import type { Viewer } from "../../console-env.ts";
import type { Problem } from "../../ops/ops-form.ts";
import { may } from "../../sections.ts";
import { ConsoleLayout } from "../console-layout.tsx";
import { FormProblems } from "../form-problems.tsx";
import { ActionButton, LiftHoldButton } from "./action-button.tsx";

/** An alert as alerts.list answers it (durable-objects/status-page/api/alerts.ts), the parts shown. */
export interface AlertRow {
  id: string;
  severity: string;
  title: string;
  status: string;
  openedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  details: { summary?: string };
}

/** A channel as alertChannels.list answers it (durable-objects/status-page/api/alert-channels.ts). */
export interface ChannelRow {
  id: string;
  kind: string;
  name: string;
  secrets: string[];
  missingSecrets: string[];
  held: boolean;
  waiting: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastFailure: string | null;
  failuresInARow: number;
}

export interface AlertsPageProps {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  alerts: AlertRow[];
  channels: ChannelRow[];
  notice?: string | undefined;
  problem?: Problem | undefined;
}

function health(channel: ChannelRow): string {
  if (channel.missingSecrets.length > 0) return `cannot send: missing ${channel.missingSecrets.join(", ")}`;
  if (channel.failuresInARow > 0) {
    return `failing: ${channel.failuresInARow} in a row, last at ${channel.lastFailureAt} (${channel.lastFailure})`;
  }
  return channel.lastSuccessAt ? `healthy: last sent ${channel.lastSuccessAt}` : "nothing sent yet";
}

/** Open alerts (acknowledge), and the on-call channels' health (test, hold, lift). */
export function AlertsPage({ page, viewer, csrf, alerts, channels, notice, problem }: AlertsPageProps) {
  const canAck = may(viewer.scopes, "alerts.ack");
  const canTest = may(viewer.scopes, "alertChannels.test");
  const canHold = may(viewer.scopes, "holds.holdChannel");
  return (
    <ConsoleLayout
      page={page}
      title="Alerts and channels"
      viewer={viewer}
      csrf={csrf}
      path="/console/alerts"
      notice={notice}
    >
      <FormProblems message={problem?.message} fields={problem?.fields} />
      <section aria-labelledby="open-alerts">
        <h2 id="open-alerts">Open alerts</h2>
        {alerts.length === 0 ? <p>No open or acknowledged alerts.</p> : null}
        <ul class="rows">
          {alerts.map((alert) => (
            <li>
              <div>
                <h3>
                  {alert.title} <span class="ops-state">{alert.severity}</span>
                </h3>
                <p class="hint">
                  Opened {alert.openedAt}.{" "}
                  {alert.status === "acknowledged"
                    ? `Acknowledged by ${alert.acknowledgedBy} at ${alert.acknowledgedAt}.`
                    : "Not acknowledged: escalating."}
                </p>
                {alert.details.summary ? <p>{alert.details.summary}</p> : null}
              </div>
              {canAck && alert.status === "open" ? (
                <ActionButton action={`/console/alerts/${alert.id}/ack`} csrf={csrf} label="Acknowledge" />
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="channels">
        <h2 id="channels">On-call channels</h2>
        {channels.length === 0 ? <p>No alert channels in the config (lookout.config.ts, alerting).</p> : null}
        <ul class="rows">
          {channels.map((channel) => (
            <li>
              <div>
                <h3>
                  {channel.name} <span class="ops-state">{channel.kind}</span>
                  {channel.held ? <span class="ops-state ops-off">held</span> : null}
                </h3>
                <p class="hint">
                  {health(channel)}. {channel.waiting} waiting.
                </p>
              </div>
              <div class="ops-actions">
                {canTest ? (
                  <ActionButton
                    action={`/console/alerts/channels/${channel.id}/test`}
                    csrf={csrf}
                    label="Send a test"
                  />
                ) : null}
                {canHold && !channel.held ? (
                  <ActionButton action={`/console/alerts/channels/${channel.id}/hold`} csrf={csrf} label="Hold" />
                ) : null}
                {canHold && channel.held ? (
                  <LiftHoldButton action={`/console/alerts/channels/${channel.id}/lift`} csrf={csrf} id={channel.id} />
                ) : null}
              </div>
            </li>
          ))}
        </ul>
        <p class="hint">
          A channel's URLs and signing secrets are Cloudflare secrets, never stored in the page, so the console cannot
          rotate them: run <code>wrangler secret put NAME</code> (the names are in the config), then send a test.
        </p>
      </section>
    </ConsoleLayout>
  );
}
