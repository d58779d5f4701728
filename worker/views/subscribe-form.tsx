import type { ComponentView } from "../core/read-model.ts";

/**
 * "Get updates by email": a plain form, no script. Choosing components is
 * optional and folded away; none chosen means every component.
 */
export function SubscribeForm({ components, error }: { components: ComponentView[]; error?: string }) {
  return (
    <section class="subscribe" aria-labelledby="subscribe-title">
      <h2 id="subscribe-title">Get updates by email</h2>
      <form method="post" action="/subscribe">
        <div class="field-row">
          <div class="field">
            <label for="subscribe-email">Email address</label>
            <input id="subscribe-email" name="email" type="email" required autocomplete="email" maxlength={254} />
          </div>
          <button type="submit">Subscribe</button>
        </div>
        {error ? (
          <p class="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <details>
          <summary>Only some components</summary>
          <fieldset class="choices">
            <legend>Tell me about</legend>
            {components.map((component) => (
              <label class="choice">
                <input type="checkbox" name="components" value={component.id} /> {component.name}
              </label>
            ))}
          </fieldset>
        </details>
        <p class="meta">
          We send a confirmation link first; nothing else until you follow it. Or follow by{" "}
          <a href="/history.rss">RSS</a> or <a href="/history.atom">Atom</a>.
        </p>
      </form>
    </section>
  );
}
