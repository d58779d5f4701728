import type { Subscriber } from "../../durable-objects/status-page/subscribers.ts";
import type { ComponentView, PageInfo } from "../core/read-model.ts";
import { Layout } from "./layout.tsx";

/** A short page with one message and, where there is something to do, one form. */
function Notice({ page, title, children }: { page: PageInfo; title: string; children: unknown }) {
  return (
    <Layout page={page} title={title}>
      <article class="notice">
        <h1>{title}</h1>
        {children}
      </article>
    </Layout>
  );
}

/** The same answer whether or not the address was known: nothing to learn about who subscribes. */
export function CheckInbox({ page }: { page: PageInfo }) {
  return (
    <Notice page={page} title="Check your inbox">
      <p>
        If the address can receive mail, a message is on its way. Follow the link in it to confirm; until then nothing
        else is sent.
      </p>
      <p class="more">
        <a href="/">Back to the current status</a>
      </p>
    </Notice>
  );
}

export function ConfirmPrompt({ page, action }: { page: PageInfo; action: string }) {
  return (
    <Notice page={page} title="Confirm your subscription">
      <form method="post" action={action}>
        <button type="submit">Confirm subscription</button>
      </form>
      <p class="meta">A button rather than the link alone, so that mail scanners opening links confirm nothing.</p>
    </Notice>
  );
}

export function LinkExpired({ page }: { page: PageInfo }) {
  return (
    <Notice page={page} title="This link has expired">
      <p>
        Confirmation links work for 48 hours. <a href="/#subscribe-title">Subscribe again</a> to get a fresh one.
      </p>
    </Notice>
  );
}

export function ManageSubscription({
  page,
  subscriber,
  components,
  action,
  saved,
}: {
  page: PageInfo;
  subscriber: Subscriber;
  components: ComponentView[];
  action: string;
  saved?: string;
}) {
  const chosen = new Set(subscriber.components ?? []);
  if (subscriber.state === "unsubscribed") {
    return (
      <Notice page={page} title="You are unsubscribed">
        <p>Nothing more will be sent to {subscriber.address}.</p>
        <p class="more">
          <a href="/#subscribe-title">Subscribe again</a>
        </p>
      </Notice>
    );
  }
  return (
    <Notice page={page} title="Your subscription">
      {saved ? (
        <p class="saved" role="status">
          {saved}
        </p>
      ) : null}
      <p>
        Updates go to <strong>{subscriber.address}</strong>
        {subscriber.state === "pending" ? " once you confirm from the mail we sent." : "."}
      </p>
      <form method="post" action={action}>
        <fieldset class="choices">
          <legend>Tell me about</legend>
          <p class="meta">None ticked: every component.</p>
          {components.map((component) => (
            <label class="choice">
              <input type="checkbox" name="components" value={component.id} checked={chosen.has(component.id)} />{" "}
              {component.name}
            </label>
          ))}
        </fieldset>
        <button type="submit">Save</button>
      </form>
      <section class="leave" aria-labelledby="unsubscribe-title">
        <h2 id="unsubscribe-title">Unsubscribe</h2>
        <p>Stop every update to {subscriber.address}.</p>
        <form method="post" action={`${action}/unsubscribe`}>
          <button type="submit" class="secondary">
            Unsubscribe
          </button>
        </form>
      </section>
    </Notice>
  );
}
