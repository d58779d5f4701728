import { type ThirdPartyView, webLink } from "../core/providers/third-party-view.ts";
import { formatDateTime } from "./format.ts";

/**
 * What a third-party component shows of its provider. Every word and link
 * below comes from the provider's page: hono/jsx escapes the text, and a link
 * is an href only when it is http(s) (checked again here, where it is used).
 */

/** On the front page, under the component's name: whose status it is, or since when it cannot be read. */
export function ProviderNote({ provider, timeZone }: { provider: ThirdPartyView; timeZone: string }) {
  return (
    <p class="meta provider-note">
      {provider.unavailableSince ? (
        <>
          Status of {provider.name} unavailable since <When at={provider.unavailableSince} timeZone={timeZone} />
          {provider.stated ? " (showing the last status it stated)" : " (no status read from it yet)"}
        </>
      ) : (
        <>via {provider.name}'s status page</>
      )}
    </p>
  );
}

/** On the component's page: the provider's page, its open incidents, and whether its page can be read. */
export function ProviderBlock({ provider, timeZone }: { provider: ThirdPartyView; timeZone: string }) {
  const page = webLink(provider.pageUrl);
  return (
    <section class="provider" aria-labelledby="provider">
      <h2 id="provider">
        Status from {page ? <a href={page}>{provider.name}'s status page</a> : <>{provider.name}'s status page</>}
      </h2>
      {provider.unavailableSince ? (
        <p class="provider-unavailable">
          Status of {provider.name} unavailable since <When at={provider.unavailableSince} timeZone={timeZone} />
          {provider.problem ? ` (${provider.problem})` : ""}.
          {provider.stated
            ? " The status shown is the last one it stated."
            : " No status has been read from it yet: the one shown is not its word."}
        </p>
      ) : provider.status === "unknown" && !provider.problem ? (
        <p class="meta">{provider.name}'s status page has not been read yet.</p>
      ) : provider.problem ? (
        <p class="provider-unavailable">
          Status of {provider.name} unknown: {provider.problem}.
        </p>
      ) : null}
      {provider.incidents.length > 0 ? (
        <ul class="provider-incidents">
          {provider.incidents.map((incident) => {
            const link = webLink(incident.url);
            return (
              <li>
                <strong>{link ? <a href={link}>{incident.name}</a> : incident.name}</strong>
                <span class="meta"> · {words(incident.status)}</span>
                {incident.latestUpdate ? (
                  <p>
                    {incident.latestUpdate.body}{" "}
                    <span class="meta">
                      ({words(incident.latestUpdate.status)}, <When at={incident.latestUpdate.at} timeZone={timeZone} />
                      )
                    </span>
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : provider.status !== "unknown" ? (
        <p class="meta">No open incidents on {provider.name}'s status page.</p>
      ) : null}
    </section>
  );
}

/** A time the provider stated: shown in the page's time zone when it is one, as written when it is not. */
function When({ at, timeZone }: { at: string; timeZone: string }) {
  if (!Number.isFinite(Date.parse(at))) return <>{at}</>;
  return <time datetime={new Date(at).toISOString()}>{formatDateTime(at, timeZone)}</time>;
}

/** "identified" → "Identified"; Statuspage's snake_case statuses read as words. */
function words(status: string): string {
  const spaced = status.replaceAll("_", " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
