import type { PageInfo } from "../../../core/read-model.ts";
import type { Viewer } from "../../console-env.ts";
import { CSRF_FIELD } from "../../csrf.ts";
import type { Problem } from "../../ops/ops-form.ts";
import { may } from "../../sections.ts";
import { ConsoleLayout } from "../console-layout.tsx";
import { FormProblems } from "../form-problems.tsx";

/** A flag as flags.list answers it (durable-objects/status-page/api/flags.ts). */
export interface FlagRow {
  name: string;
  description: string;
  value: boolean;
  default: boolean;
  override: { value: boolean; updatedAt: string; updatedBy: string } | null;
  expires: string;
}

export interface FlagsPageProps {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  flags: FlagRow[];
  notice?: string | undefined;
  /** The flag whose form was refused, what went wrong, and the reason typed. */
  problem?: { flag: string; reason: string } & Problem;
}

const onOff = (value: boolean) => (value ? "on" : "off");

/** Every ops flag: its value, its default, whether it is overridden; flipped with a reason (audited). */
export function FlagsPage({ page, viewer, csrf, flags, notice, problem }: FlagsPageProps) {
  const canSet = may(viewer.scopes, "flags.set");
  return (
    <ConsoleLayout page={page} title="Flags" viewer={viewer} csrf={csrf} path="/console/flags" notice={notice}>
      <p class="hint">
        Ops flags switch parts of Lookout off and on within seconds, without a deploy. A flip is kept in the audit log
        with its reason.
      </p>
      {problem && !flags.some((flag) => flag.name === problem.flag) ? (
        <FormProblems message={problem.message} fields={problem.fields} />
      ) : null}
      <ul class="rows ops-flags">
        {flags.map((flag) => {
          const mine = problem?.flag === flag.name ? problem : undefined;
          return (
            <li id={`flag-${flag.name}`}>
              <div>
                <h2>
                  <code>{flag.name}</code> <span class={`ops-state ops-${onOff(flag.value)}`}>{onOff(flag.value)}</span>
                </h2>
                <p>{flag.description}</p>
                <p class="hint">
                  Default {onOff(flag.default)}.{" "}
                  {flag.override
                    ? `Overridden to ${onOff(flag.override.value)} by ${flag.override.updatedBy} at ${flag.override.updatedAt}.`
                    : "Not overridden."}{" "}
                  Expires {flag.expires}.
                </p>
              </div>
              {canSet ? (
                <form method="post" action={`/console/flags/${flag.name}`} class="stack">
                  <input type="hidden" name={CSRF_FIELD} value={csrf} />
                  {mine ? <FormProblems message={mine.message} fields={mine.fields} /> : null}
                  <label for={`reason-${flag.name}`}>Reason (kept in the audit log)</label>
                  <input
                    id={`reason-${flag.name}`}
                    name="reason"
                    required
                    maxlength={500}
                    value={mine?.reason ?? ""}
                    aria-invalid={mine ? "true" : undefined}
                  />
                  <div class="ops-actions">
                    {flag.value ? (
                      <button type="submit" name="value" value="false">
                        Turn off
                      </button>
                    ) : (
                      <button type="submit" name="value" value="true">
                        Turn on
                      </button>
                    )}
                    {flag.override ? (
                      <button type="submit" name="value" value="default" class="secondary">
                        Return to default ({onOff(flag.default)})
                      </button>
                    ) : null}
                  </div>
                </form>
              ) : null}
            </li>
          );
        })}
      </ul>
    </ConsoleLayout>
  );
}
