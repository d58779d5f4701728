import { runInDurableObject } from "cloudflare:test";
import type { StatusPage } from "../../../durable-objects/status-page/status-page.ts";
import { confirmSubscriber, subscribe } from "../../../durable-objects/status-page/subscribers.ts";
import { pageObject } from "./worker.ts";

let made = 0;

/**
 * A subscriber row as the subscription flow would leave it, in the state
 * given, written straight into the page's object: for tests about finding,
 * counting and removing subscribers, not about subscribing. `prefix` keeps
 * two files' ids apart.
 */
export function addSubscriber(address: string, state: string, prefix = "sub"): Promise<string> {
  const id = `${prefix}${String(++made).padStart(6, "0")}`;
  return runInDurableObject(pageObject(), (_: StatusPage, store) => {
    store.storage.sql.exec(
      `INSERT INTO subscribers (id, address, domain, state, created_at) VALUES (?, ?, ?, ?, ?)`,
      id,
      address,
      address.slice(address.indexOf("@") + 1),
      state,
      1_700_000_000_000 + made,
    );
    return id;
  });
}

/**
 * A subscriber to every component, subscribed and confirmed by the page's own
 * steps (durable-objects/status-page/subscribers.ts) in one transaction, its
 * confirmation mail dropped: only the mail an update sends it is watched. Its id.
 */
export function addConfirmedSubscriber(address: string): Promise<string> {
  return runInDurableObject(pageObject(), (_: StatusPage, state) =>
    state.storage.transactionSync(() => {
      const sql = state.storage.sql;
      subscribe(sql, address, null, Date.now());
      const id = String(sql.exec<{ id: string }>(`SELECT id FROM subscribers WHERE address = ?`, address).one().id);
      confirmSubscriber(sql, id, Date.now());
      sql.exec(`UPDATE outbox SET state = 'dropped' WHERE recipient = ? AND kind = 'confirm'`, id);
      return id;
    }),
  );
}
