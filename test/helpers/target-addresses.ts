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
  /**
   * A port on 127.0.0.1 that nothing listens on, so connecting is refused: below
   * `ephemeralFloor`, the first port the kernel hands to listen(0) and outgoing connections.
   */
  refused: { hostname: string; port: number; ephemeralFloor: number };
};

/** The key under which the global setup provides the addresses to vitest projects. */
export const TARGETS_KEY = "lookoutTargets";

/** Bytes the /big route sends: big enough that downloading it by mistake shows. */
export const BIG_BODY_BYTES = 50 * 1_048_576;

/**
 * Where the SMTP servers of test/helpers/node/smtp-servers.ts listen (all on
 * `host`), handed to workerd as the `MAIL_SERVERS` binding.
 */
export type MailServerAddresses = {
  host: string;
  /** Base URL of the HTTP side: GET /messages?to=<address> lists what the servers received; /resend plays Resend. */
  http: string;
  /** Accepts any recipient and keeps the message; offers STARTTLS with a certificate nobody trusts. */
  normal: number;
  /** Answers 421 to MAIL FROM. */
  closing: number;
  /** Drops the connection in the middle of DATA for a recipient whose address starts with "drop". */
  dropping: number;
  /** Keeps messages, but answers 550 to RCPT TO for a recipient whose address starts with "unknown". */
  rejecting: number;
  /** Requires AUTH (PLAIN or LOGIN, as MAIL_AUTH_USER / MAIL_AUTH_PASSWORD) and does not offer STARTTLS. */
  auth: number;
  /** TLS from the first byte (like port 465), with a certificate nobody trusts. */
  implicitTls: number;
  /** Not an SMTP server: its greeting is a line that never ends (GET /babbling on the HTTP side counts it). */
  babbling: number;
};

/** The key under which the global setup provides the mail server addresses. */
export const MAIL_SERVERS_KEY = "lookoutMailServers";
export const MAIL_AUTH_USER = "lookout";
export const MAIL_AUTH_PASSWORD = "correct horse battery staple";
/** The API key the fake Resend accepts. */
export const RESEND_TEST_KEY = "re_test_lookout";

/** One message as an SMTP server received it, parsed back by mailparser (GET /messages on the mail servers' HTTP side). */
export type ReceivedMail = {
  /** Which server took it ("normal", "rejecting", "auth"). */
  server: string;
  envelope: { from: string; to: string[] };
  /** Whether the session had authenticated, and as whom. */
  user: string | null;
  messageId: string | null;
  subject: string | null;
  from: { name: string; address: string } | null;
  to: string[];
  date: string | null;
  text: string | null;
  html: string | null;
  /** Every header as sent, unfolded, by lower-case name (the last one when repeated). */
  headers: Record<string, string>;
  /** The message exactly as received, to check line endings and lengths. */
  raw: string;
};

/**
 * Base URL of the webhook receiver of test/helpers/node/webhook-receiver.ts,
 * handed to workerd as the `WEBHOOK_RECEIVER` binding.
 */
export const WEBHOOK_RECEIVER_KEY = "lookoutWebhookReceiver";

/** One POST as the webhook receiver got it. */
export type ReceivedWebhook = {
  /** Every header, by lower-case name. */
  headers: Record<string, string>;
  /** The body exactly as received. */
  body: string;
  /** What the receiver answered. */
  status: number;
  /** Milliseconds since the epoch, on the receiver's clock. */
  at: number;
};

/** Bytes a `flood…` receiver writes after its 500: far more than anyone should read. */
export const FLOOD_BYTES = 256 * 1_048_576;

/** What a `flood…` receiver saw (GET /flood/<name>). */
export type FloodStats = {
  /** Bytes of body handed to the socket so far. */
  bytesWritten: number;
  /** The client hung up before the whole body was written. */
  clientGone: boolean;
};
