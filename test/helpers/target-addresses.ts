/**
 * Where the real probe targets listen. Started in Node by test/global-setup.ts,
 * handed to workerd as the `TARGETS` binding, so this file is imported on both
 * sides and holds nothing but plain data.
 */
// A type, not an interface, so it fits miniflare's JSON binding type (interfaces lack an index signature).
export type TargetAddresses = {
  /** Base URL of the HTTP target, e.g. "http://127.0.0.1:41234". */
  http: string;
  /** Base URL of an HTTPS server whose self-signed certificate nobody trusts; null where no openssl CLI made one. */
  untrustedTls: string | null;
  /** A TCP server on 127.0.0.1 that accepts connections. */
  tcp: { hostname: string; port: number };
  /** A port on 127.0.0.1 that nothing listens on, so connecting is refused. */
  refused: { hostname: string; port: number };
};

/** The key under which the global setup provides the addresses to vitest projects. */
export const TARGETS_KEY = "lookoutTargets";

/** Bytes the /big route sends: big enough that downloading it by mistake shows. */
export const BIG_BODY_BYTES = 50 * 1_048_576;
