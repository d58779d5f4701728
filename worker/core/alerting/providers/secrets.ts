import type { ChannelRequest } from "../message.ts";

/** How renderers read the secrets a channel names (never from the config itself). */

/** Reads a Worker secret or variable by name; undefined (or empty) when it is not set. */
export type ReadSecret = (name: string) => string | undefined;

/** The secrets a channel names that are not set: the message cannot be sent, and the channel's health says why. */
export interface MissingSecrets {
  missing: string[];
}

/** A secret's value, or the names of those missing. */
export function secrets<const N extends string>(
  secret: ReadSecret,
  names: Record<N, string>,
): Record<N, string> | MissingSecrets {
  const values = {} as Record<N, string>;
  const missing: string[] = [];
  for (const [key, name] of Object.entries(names) as [N, string][]) {
    const value = secret(name);
    if (value) values[key] = value;
    else if (!missing.includes(name)) missing.push(name);
  }
  return missing.length > 0 ? { missing } : values;
}

export function isMissing(value: object): value is MissingSecrets {
  return "missing" in value;
}

/**
 * A JSON POST to a URL that is itself the secret (Slack, Discord and Teams
 * webhooks: the path is the key), so the URL is redacted from any reason.
 */
export function jsonToSecretUrl(
  secret: ReadSecret,
  urlSecret: string,
  payload: unknown,
  contentType = "application/json",
): ChannelRequest | MissingSecrets {
  const values = secrets(secret, { url: urlSecret });
  if (isMissing(values)) return values;
  return {
    url: values.url,
    method: "POST",
    headers: { "content-type": contentType },
    body: JSON.stringify(payload),
    redact: [values.url],
  };
}
