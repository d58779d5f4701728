import { ONCE_FIELD } from "../once.ts";

/** A creating form's one-time key (once.ts), new at every render. */
export function OnceField() {
  return <input type="hidden" name={ONCE_FIELD} value={crypto.randomUUID()} />;
}
