import { ROLES } from "../../../worker/core/access/roles.ts";
import { ApiProblem } from "../../../worker/core/api/contract.ts";
import { everyone, type Person, personOf } from "../console-people.ts";
import { isoOrNull } from "../time.ts";
import { type Handler, recordAudit } from "./context.ts";

/**
 * People who sign in to the console through Cloudflare Access, by email,
 * with a role (console-people.ts). The config's people are listed too but
 * stay the config's: changing them is a deploy, like any config.
 */

function describe(person: Person & { createdAt?: number | null; createdBy?: string | null }) {
  return {
    email: person.email,
    role: person.role,
    source: person.source,
    createdAt: isoOrNull(person.createdAt ?? null),
    createdBy: person.createdBy ?? null,
  };
}

function configOwns(email: string): ApiProblem {
  return new ApiProblem(
    409,
    "set_in_config",
    `${email} is in lookout.config.ts console.people: change or remove them there (the config wins over the API)`,
  );
}

export const listPeopleHandler: Handler<"people.list"> = ({ sql }) => ({
  status: 200,
  body: { data: everyone(sql).map(describe) },
});

export const putPersonHandler: Handler<"people.put"> = (context) => {
  const { sql, params, body, now, actor } = context;
  const email = (params.email ?? "").toLowerCase();
  const before = personOf(sql, email);
  if (before?.source === "config") throw configOwns(email);
  // A role grants its scopes: like a token, nobody grants more than they hold.
  const beyond = ROLES[body.role].filter((scope) => !actor.scopes.includes(scope));
  if (beyond.length > 0) {
    throw new ApiProblem(403, "forbidden", `you cannot grant a role beyond your own scopes: ${beyond.join(", ")}`);
  }
  if (before?.role === body.role) return { status: 200, body: describe(before) };
  if (before) {
    sql.exec(`UPDATE console_people SET role = ?, updated_at = ? WHERE email = ?`, body.role, now, email);
  } else {
    sql.exec(
      `INSERT INTO console_people (email, role, created_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?)`,
      email,
      body.role,
      now,
      actor.name,
      now,
    );
  }
  const after = personOf(sql, email) as Person;
  recordAudit(context, "person.set_role", email, before && describe(before), describe(after));
  return { status: 200, body: describe(after) };
};

export const deletePersonHandler: Handler<"people.delete"> = (context) => {
  const { sql, params } = context;
  const email = (params.email ?? "").toLowerCase();
  const before = personOf(sql, email);
  if (!before) throw new ApiProblem(404, "not_found", `nobody with the email ${email} is mapped to a role`);
  if (before.source === "config") throw configOwns(email);
  sql.exec(`DELETE FROM console_people WHERE email = ?`, email);
  recordAudit(context, "person.remove", email, describe(before), null);
  return { status: 200, body: { ...describe(before), removed: true } };
};
