import { ApiProblem } from "../../../worker/core/api/contract.ts";
import { FLAGS, type FlagName, resolveFlags } from "../../../worker/core/flags.ts";
import { readOverrides, writeOverride } from "../flag-overrides.ts";
import { iso } from "../time.ts";
import { type ApiContext, type Handler, recordAudit } from "./context.ts";

function isFlag(name: string): name is FlagName {
  return Object.hasOwn(FLAGS, name);
}

function describe(context: Pick<ApiContext<"flags.list">, "sql" | "env">, name: FlagName) {
  const overrides = readOverrides(context.sql);
  const vars = context.env as unknown as Record<string, unknown>;
  const fromConfig = resolveFlags(context.env.ENVIRONMENT, vars)[name];
  const override = overrides.get(name);
  const flag = FLAGS[name];
  return {
    name,
    description: flag.description,
    value: override?.value ?? fromConfig,
    /** What the flag is without an override: the declared default or wrangler.toml's FLAG_<NAME>. */
    default: fromConfig,
    override: override
      ? { value: override.value, updatedAt: iso(override.updatedAt), updatedBy: override.updatedBy }
      : null,
    expires: flag.expires,
  };
}

function flagNamed(name: string | undefined): FlagName {
  if (name && isFlag(name)) return name;
  throw new ApiProblem(404, "not_found", `there is no flag "${name}"; flags are declared in worker/core/flags.ts`);
}

export const listFlagsHandler: Handler<"flags.list"> = (context) => ({
  status: 200,
  body: { data: (Object.keys(FLAGS) as FlagName[]).map((name) => describe(context, name)) },
});

export const getFlagHandler: Handler<"flags.get"> = (context) => ({
  status: 200,
  body: describe(context, flagNamed(context.params.name)),
});

export const setFlagHandler: Handler<"flags.set"> = (context) => {
  const name = flagNamed(context.params.name);
  const before = describe(context, name);
  writeOverride(context.sql, name, context.body.value, context.actor.id, context.now);
  const after = describe(context, name);
  // The reason lives in the audit line only: that is where "who flipped this, and why" is looked up.
  const reason = context.body.reason;
  recordAudit(context, "flag.set", name, before, reason === undefined ? after : { ...after, reason });
  return { status: 200, body: after };
};
