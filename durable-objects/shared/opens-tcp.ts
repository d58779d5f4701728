import type { connect as socketsConnect } from "cloudflare:sockets";
import { isSocketConnectFailure } from "../../worker/core/probes/classify-network-error.ts";

export interface OpensTcpOptions {
  connect: typeof socketsConnect;
  /** Wraps the wait for the connection, e.g. to race it against a deadline. */
  race: <T>(step: Promise<T>) => Promise<T>;
  /** Whether the time ran out (then the answer is unknown, not "refused"). */
  gaveUp: () => boolean;
}

/**
 * Whether a plain TCP connection to the URL's host and port opens: tells a
 * refused connection from a reset one, and a DNS failure from a TLS one, when
 * workerd's fetch error does not (see classify-network-error.ts). Null when
 * the answer did not come in time. Used by the HTTP probe and by webhook
 * deliveries, whose failures are recorded in the same words.
 */
export async function opensTcp(url: string, options: OpensTcpOptions): Promise<boolean | null> {
  const target = new URL(url);
  const port = Number(target.port) || (target.protocol === "https:" ? 443 : 80);
  let socket: ReturnType<typeof socketsConnect> | undefined;
  try {
    socket = options.connect({ hostname: target.hostname.replace(/^\[|\]$/g, ""), port });
    // closed rejects too when the connection fails; only opened is the answer.
    socket.closed.catch(() => undefined);
    await options.race(socket.opened);
    return true;
  } catch (error) {
    return !options.gaveUp() && isSocketConnectFailure(error) ? false : null;
  } finally {
    socket?.close().catch(() => undefined);
  }
}
