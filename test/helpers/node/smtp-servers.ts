/**
 * Real SMTP servers (nodemailer's `smtp-server`) on 127.0.0.1 for the email
 * senders, each behaving one way a relay can, and a small HTTP server through
 * which tests inside workerd read what arrived (workerd reaches Node only
 * over the network). Every accepted message is parsed with `mailparser`, so
 * tests check what a mail client would see, not what the sender meant.
 *
 * HTTP routes:
 *   GET  /messages?to=<address>   JSON list of ReceivedMail for that recipient, oldest first
 *   POST /resend/emails           plays Resend's API: Bearer RESEND_TEST_KEY or 401; a recipient
 *                                 starting "ratelimited" gets 429, one starting "invalid" 422,
 *                                 anything else 200 {"id": ...}
 *   GET  /resend/received?to=...  JSON list of the requests /resend/emails accepted for that recipient
 *   GET  /babbling                FloodStats of the babbling server's last connection
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from "smtp-server";
import {
  FLOOD_BYTES,
  type FloodStats,
  MAIL_AUTH_PASSWORD,
  MAIL_AUTH_USER,
  MAIL_SERVERS_KEY,
  type MailServerAddresses,
  RESEND_TEST_KEY,
  type ReceivedMail,
} from "../target-addresses.ts";

export type { ReceivedMail };

declare module "vitest" {
  export interface ProvidedContext {
    [MAIL_SERVERS_KEY]: MailServerAddresses;
  }
}

export interface RunningMailServers {
  addresses: MailServerAddresses;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";

function coded(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

export async function startMailServers(): Promise<RunningMailServers> {
  const received: ReceivedMail[] = [];
  const resendRequests: { to: string; body: unknown; idempotencyKey: string | null }[] = [];
  const servers: SMTPServer[] = [];

  /** Parses an accepted message into `received`, under the name of the server that took it. */
  const keep =
    (name: string): NonNullable<SMTPServerOptions["onData"]> =>
    (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (mail) => {
            received.push(describe(name, session, mail, raw.toString("utf8")));
            callback(null, "queued");
          },
          (error: Error) => callback(error),
        );
      });
    };

  /** An smtp-server on a free port whose accepted messages land in `received`. */
  const start = async (name: string, options: SMTPServerOptions): Promise<number> => {
    const server: SMTPServer = new SMTPServer({
      logger: false,
      authOptional: true,
      hideSTARTTLS: true,
      closeTimeout: 100,
      onData: keep(name),
      ...options,
    });
    server.on("error", () => undefined);
    servers.push(server);
    return listen(server);
  };

  const normal = await start("normal", { hideSTARTTLS: false });

  const closing = await start("closing", {
    onMailFrom(_address, _session, callback) {
      callback(coded("Service not available, closing transmission channel", 421));
    },
  });

  const rejecting = await start("rejecting", {
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("unknown")) return callback(coded("5.1.1 No such user here", 550));
      callback();
    },
  });

  // Reads the start of DATA, then pulls the plug: no reply, no more bytes.
  const droppingServer: { server?: SMTPServer } = {};
  const dropping = await start("dropping", {
    onData(stream, session, callback) {
      const drop = session.envelope.rcptTo.some((rcpt) => rcpt.address.startsWith("drop"));
      // What it accepts is kept like anywhere else, so a test can count that a retry sent it only once.
      if (!drop) return keep("dropping")(stream, session, callback);
      stream.once("data", () => {
        for (const connection of droppingServer.server?.connections ?? []) {
          if (connection.session.id === session.id) connection._socket.destroy();
        }
      });
      stream.on("error", () => undefined);
    },
  });
  droppingServer.server = servers.at(-1);

  const auth = await start("auth", {
    authOptional: false,
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(credentials, _session, callback) {
      if (credentials.username === MAIL_AUTH_USER && credentials.password === MAIL_AUTH_PASSWORD) {
        return callback(null, { user: credentials.username });
      }
      callback(coded("5.7.8 Authentication credentials invalid", 535));
    },
  });

  // smtp-server's built-in certificate: self-signed, so workerd refuses it, as it should.
  const implicitTls = await start("implicit-tls", { secure: true });

  // Not smtp-server: a greeting line that never ends, written as fast as the client takes it.
  let babbled: FloodStats | null = null;
  const babbler = createTcpServer((socket) => {
    const stats: FloodStats = { bytesWritten: 0, clientGone: false };
    babbled = stats;
    const chunk = Buffer.alloc(16 * 1024, "x");
    const more = () => {
      while (!socket.destroyed && stats.bytesWritten < FLOOD_BYTES) {
        stats.bytesWritten += chunk.length;
        if (!socket.write(chunk)) return void socket.once("drain", more);
      }
    };
    socket.on("error", () => undefined);
    socket.once("close", () => {
      stats.clientGone = true;
    });
    socket.write("220 ");
    more();
  });
  const babblerSockets = new Set<Socket>();
  babbler.on("connection", (socket: Socket) => {
    babblerSockets.add(socket);
    socket.once("close", () => babblerSockets.delete(socket));
  });
  const babbling = await new Promise<number>((resolve, reject) => {
    babbler.once("error", reject);
    babbler.listen(0, HOST, () => resolve((babbler.address() as AddressInfo).port));
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", `http://${HOST}`);
    if (req.method === "GET" && url.pathname === "/babbling") return sendJson(res, 200, babbled);
    const to = url.searchParams.get("to");
    if (req.method === "GET" && url.pathname === "/messages") {
      return sendJson(res, 200, to === null ? received : received.filter((mail) => mail.envelope.to.includes(to)));
    }
    if (req.method === "GET" && url.pathname === "/resend/received") {
      return sendJson(res, 200, to === null ? resendRequests : resendRequests.filter((r) => r.to === to));
    }
    if (req.method === "POST" && url.pathname === "/resend/emails") {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (req.headers.authorization !== `Bearer ${RESEND_TEST_KEY}`) {
        return sendJson(res, 401, { statusCode: 401, name: "validation_error", message: "API key is invalid" });
      }
      let body: { to?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return sendJson(res, 400, { statusCode: 400, name: "invalid_json", message: "not JSON" });
      }
      const recipient = Array.isArray(body.to) && typeof body.to[0] === "string" ? body.to[0] : "";
      if (recipient.startsWith("ratelimited")) {
        res.setHeader("retry-after", "2");
        return sendJson(res, 429, { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" });
      }
      if (recipient.startsWith("invalid")) {
        return sendJson(res, 422, { statusCode: 422, name: "validation_error", message: "Invalid `to` field" });
      }
      const idempotencyKey = header(req, "idempotency-key");
      resendRequests.push({ to: recipient, body, idempotencyKey });
      return sendJson(res, 200, { id: `re_${resendRequests.length}` });
    }
    sendJson(res, 404, { error: "no such route" });
  };
  const http = createHttpServer((req, res) => {
    handle(req, res).catch(() => sendJson(res, 500, { error: "fake failed" }));
  });
  const httpSockets = new Set<Socket>();
  http.on("connection", (socket: Socket) => {
    httpSockets.add(socket);
    socket.once("close", () => httpSockets.delete(socket));
  });
  const httpPort = await new Promise<number>((resolve, reject) => {
    http.once("error", reject);
    http.listen(0, HOST, () => resolve((http.address() as AddressInfo).port));
  });

  return {
    addresses: {
      host: HOST,
      http: `http://${HOST}:${httpPort}`,
      normal,
      closing,
      dropping,
      rejecting,
      auth,
      implicitTls,
      babbling,
    },
    async close() {
      await Promise.all([
        ...servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
        new Promise<void>((resolve) => {
          http.close(() => resolve());
          for (const socket of httpSockets) socket.destroy();
        }),
        new Promise<void>((resolve) => {
          babbler.close(() => resolve());
          for (const socket of babblerSockets) socket.destroy();
        }),
      ]);
    },
  };
}

function listen(server: SMTPServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(0, HOST, () => resolve((server.server.address() as AddressInfo).port));
  });
}

function describe(server: string, session: SMTPServerSession, mail: ParsedMail, raw: string): ReceivedMail {
  const headers: Record<string, string> = {};
  for (const { key, line } of mail.headerLines) {
    const value = line.slice(line.indexOf(":") + 1);
    headers[key] = value.replace(/\r?\n(?=[ \t])/g, "").trim();
  }
  const from = mail.from?.value[0];
  const to = [mail.to ?? []].flat().flatMap((group) => group.value.map((address) => address.address ?? ""));
  const sender = session.envelope.mailFrom;
  return {
    server,
    envelope: { from: sender ? sender.address : "", to: session.envelope.rcptTo.map((rcpt) => rcpt.address) },
    user: typeof session.user === "string" ? session.user : null,
    messageId: mail.messageId ?? null,
    subject: mail.subject ?? null,
    from: from ? { name: from.name, address: from.address ?? "" } : null,
    to,
    date: mail.date ? mail.date.toISOString() : null,
    text: mail.text ?? null,
    html: typeof mail.html === "string" ? mail.html : null,
    headers,
    raw,
  };
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === "string" ? value : null;
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
