import { proxyDurable } from "itty-durable/proxy-durable.js";
import type { Allowance } from "../durable-objects/rate-limiter/rate-limiter.ts";
import { sha256Hex } from "./core/access/sha256.ts";
import { clientKey } from "./core/client-key.ts";

/** Per client address: a person subscribes a handful of times, a script thousands. */
const PER_CLIENT = { limit: 10, windowMs: 3_600_000 };
/** Per subscriber address: nobody's inbox gets more than a few confirmation mails a day from us. */
const PER_ADDRESS = { limit: 3, windowMs: 24 * 3_600_000 };

/**
 * Whether this request may subscribe: both the client's and the address's
 * limiter must allow it. The address is hashed before it names an object.
 */
export async function allowSubscribe(env: Env, client: string, address: string): Promise<Allowance> {
  const limiters = proxyDurable(env.RATE_LIMITER, { name: "RATE_LIMITER", parse: true });
  const now = Date.now();
  const byClient = (await limiters
    .get(`client:${clientKey(client)}`)
    .take(PER_CLIENT.limit, PER_CLIENT.windowMs, now)) as Allowance;
  if (!byClient.allowed) return byClient;
  const key = `address:${await sha256Hex(address.toLowerCase())}`;
  return (await limiters.get(key).take(PER_ADDRESS.limit, PER_ADDRESS.windowMs, now)) as Allowance;
}
