import { readSeverities } from "../severities.ts";
import type { Handler } from "./context.ts";

/** The applied severities, the very list declare and edit check `severity` against. */
export const listSeveritiesHandler: Handler<"severities.list"> = ({ sql }) => ({
  status: 200,
  body: { data: readSeverities(sql) },
});
