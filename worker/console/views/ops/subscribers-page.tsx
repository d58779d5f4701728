import type { PageInfo } from "../../../core/read-model.ts";
import type { Viewer } from "../../console-env.ts";
import { CSRF_FIELD } from "../../csrf.ts";
import type { Problem } from "../../ops/ops-form.ts";
import { may } from "../../sections.ts";
import { ConsoleLayout } from "../console-layout.tsx";
import { FormProblems } from "../form-problems.tsx";
import { ActionButton, LiftHoldButton } from "./action-button.tsx";

/** A subscriber as subscribers.list answers it (durable-objects/status-page/api/subscribers.ts). */
export interface SubscriberRow {
  id: string;
  address: string;
  state: string;
  createdAt: string;
  bounceReason: string | null;
}

export interface DomainHold {
  target: string;
  createdAt: string;
  createdBy: string;
  waiting: number;
}

export interface SubscriberSearch {
  q: string;
  match: string;
  state: string;
}

export interface SubscribersPageProps {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  counts: Record<string, number>;
  /** Null until something is searched for: addresses are not put on screen unasked. */
  found: SubscriberRow[] | null;
  search: SubscriberSearch;
  next: string | null;
  holds: DomainHold[];
  /** What was typed into the hold form when it was refused. */
  holdDomain?: string | undefined;
  notice?: string | undefined;
  problem?: Problem | undefined;
}

const STATES = ["confirmed", "pending", "unsubscribed", "bounced"] as const;

/** Subscriber counts, find and remove an address, and the mail domains held back. */
export function SubscribersPage(props: SubscribersPageProps) {
  const { page, viewer, csrf, counts, found, search, next, holds, holdDomain, notice, problem } = props;
  const canRemove = may(viewer.scopes, "subscribers.remove");
  const canHold = may(viewer.scopes, "holds.hold");
  return (
    <ConsoleLayout
      page={page}
      title="Subscribers"
      viewer={viewer}
      csrf={csrf}
      path="/console/subscribers"
      notice={notice}
    >
      <FormProblems message={problem?.message} fields={problem?.fields} />
      <ul class="rows" aria-label="Subscribers by state">
        {STATES.map((state) => (
          <li>
            {state} <strong>{counts[state] ?? 0}</strong>
          </li>
        ))}
      </ul>
      <section aria-labelledby="find">
        <h2 id="find">Find an address</h2>
        <form method="get" action="/console/subscribers" class="ops-filter">
          <div>
            <label for="sub-q">Address or part of one</label>
            <input id="sub-q" name="q" value={search.q} minlength={3} maxlength={254} />
          </div>
          <div>
            <label for="sub-match">Match</label>
            <select id="sub-match" name="match">
              <option value="contains" selected={search.match !== "exact"}>
                contains
              </option>
              <option value="exact" selected={search.match === "exact"}>
                the whole address
              </option>
            </select>
          </div>
          <div>
            <label for="sub-state">State</label>
            <select id="sub-state" name="state">
              <option value="">any</option>
              {STATES.map((state) => (
                <option value={state} selected={search.state === state}>
                  {state}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">Find</button>
        </form>
        {found === null ? null : found.length === 0 ? (
          <p>No address matches.</p>
        ) : (
          <ul class="rows">
            {found.map((subscriber) => (
              <li>
                <div>
                  <strong>{subscriber.address}</strong> · {subscriber.state} since {subscriber.createdAt}
                  {subscriber.bounceReason ? <p class="hint">Bounced: {subscriber.bounceReason}</p> : null}
                </div>
                {canRemove ? (
                  <ActionButton
                    action={`/console/subscribers/${subscriber.id}/remove`}
                    csrf={csrf}
                    label="Remove"
                    class="ops-actions"
                  >
                    <input type="checkbox" id={`confirm-${subscriber.id}`} name="confirm" value="yes" required />
                    <label for={`confirm-${subscriber.id}`}>Yes, erase this address</label>
                  </ActionButton>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {next ? (
          <p>
            <a href={next}>More</a>
          </p>
        ) : null}
      </section>
      <section aria-labelledby="domain-holds">
        <h2 id="domain-holds">Mail domains held back</h2>
        {holds.length === 0 ? <p>No domain is held.</p> : null}
        <ul class="rows">
          {holds.map((hold) => (
            <li>
              <div>
                <strong>{hold.target}</strong> · held {hold.createdAt} by {hold.createdBy} · {hold.waiting} waiting
              </div>
              {canHold ? (
                <LiftHoldButton
                  action={`/console/subscribers/holds/${hold.target}/lift`}
                  csrf={csrf}
                  id={hold.target}
                  class="ops-actions"
                />
              ) : null}
            </li>
          ))}
        </ul>
        {canHold ? (
          <form method="post" action="/console/subscribers/holds" class="ops-filter">
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <div>
              <label for="hold-domain">Hold mail to a domain</label>
              <input
                id="hold-domain"
                name="domain"
                value={holdDomain ?? ""}
                required
                maxlength={253}
                placeholder="example.com"
              />
            </div>
            <button type="submit">Hold</button>
          </form>
        ) : null}
      </section>
    </ConsoleLayout>
  );
}
