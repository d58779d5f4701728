import type { AlertLinkView } from "../../durable-objects/status-page/alerts/acknowledge.ts";
import type { PageInfo } from "../core/read-model.ts";
import { formatDateTime } from "./format.ts";
import { Layout } from "./layout.tsx";

type Props = { page: PageInfo; alert: AlertLinkView; action: string; justNow?: boolean };

/** Which alert this is: its title, severity and when it opened, in the page's time zone. */
function AlertFacts({ page, alert }: { page: PageInfo; alert: AlertLinkView }) {
  return (
    <dl>
      <dt>Alert</dt>
      <dd>{alert.title}</dd>
      <dt>Severity</dt>
      <dd>{alert.severity}</dd>
      <dt>Opened</dt>
      <dd>
        <time datetime={alert.openedAt}>{formatDateTime(alert.openedAt, page.timeZone)}</time>
      </dd>
    </dl>
  );
}

/**
 * The page an alert's acknowledgement link opens. Opening it changes
 * nothing (link scanners in chat and mail tools open every link); the
 * button does. Once acknowledged or resolved, it says so and by whom.
 */
export function AlertAckPage({ page, alert, action, justNow }: Props) {
  const title =
    alert.status === "resolved"
      ? "This alert is resolved"
      : alert.status === "acknowledged"
        ? `Acknowledged by ${alert.acknowledgedBy ?? "someone"}`
        : "Acknowledge this alert?";
  return (
    <Layout page={page} title={title} description="An on-call alert's acknowledgement.">
      <article class="notice">
        <h1>{title}</h1>
        <AlertFacts page={page} alert={alert} />
        {alert.status === "open" ? (
          <>
            <form method="post" action={action}>
              <button type="submit">Acknowledge</button>
            </form>
            <p class="meta">
              Acknowledging stops the escalation: nobody further is paged. The alert stays open until it recovers.
            </p>
          </>
        ) : null}
        {alert.status === "acknowledged" && alert.acknowledgedAt ? (
          <p class={justNow ? "saved" : undefined} role="status">
            Acknowledged by {alert.acknowledgedBy ?? "someone"} at{" "}
            <time datetime={alert.acknowledgedAt}>{formatDateTime(alert.acknowledgedAt, page.timeZone)}</time>. The
            escalation has stopped; recovery will still be sent.
          </p>
        ) : null}
        {alert.status === "resolved" && alert.resolvedAt ? (
          <p role="status">
            It recovered at <time datetime={alert.resolvedAt}>{formatDateTime(alert.resolvedAt, page.timeZone)}</time>:
            there is nothing left to acknowledge.
          </p>
        ) : null}
      </article>
    </Layout>
  );
}

/** A POST from another site: refused before anything is read or written. */
export function AlertAckRefused({ page, title }: { page: PageInfo; title: string }) {
  return (
    <Layout page={page} title={title}>
      <article class="notice">
        <h1>{title}</h1>
        <p>Open the link from the alert again and press its button.</p>
      </article>
    </Layout>
  );
}
