/**
 * The key of the StatusPage object's in-process write path (status-page.ts):
 * a symbol, so code running inside the object (tests, through
 * runInDurableObject) can write through it, and no RPC caller can.
 */
export const WRITE: unique symbol = Symbol.for("lookout.status-page.write");
