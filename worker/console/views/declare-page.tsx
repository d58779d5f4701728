import type { FieldProblem } from "../../core/api/contract.ts";
import type { IncidentTemplate, Severity } from "../../core/config/console-schema.ts";
import type { PageInfo } from "../../core/read-model.ts";
import { COMPONENT_STATUS_LABELS, COMPONENT_STATUSES } from "../../core/statuses.ts";
import type { Viewer } from "../console-env.ts";
import { CSRF_FIELD } from "../csrf.ts";
import { COMPONENT_FIELD, type DeclareFields } from "../declare-form.ts";
import { ConsoleLayout } from "./console-layout.tsx";
import { FormProblems } from "./form-problems.tsx";
import { OnceField } from "./once-field.tsx";

export interface DeclarePageProps {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  fields: DeclareFields;
  severities: readonly Severity[];
  templates: readonly IncidentTemplate[];
  components: readonly { id: string; name: string; hidden: boolean }[];
  problem?: { message: string; fields: FieldProblem[] } | undefined;
}

/** Who sees a declared incident, as the form words each choice. */
const VISIBILITIES = [
  ["public", "Public: on the page, the feeds and to subscribers"],
  ["internal", "Internal: the team only (it cannot change component statuses)"],
] as const satisfies readonly (readonly [DeclareFields["visibility"], string])[];

/** The roles a declaration may fill at once, as the form labels them. */
const ROLES = [
  ["lead", "Incident lead"],
  ["communicator", "Communicator"],
  ["scribe", "Scribe"],
  ["investigator", "Investigator"],
] as const satisfies readonly (readonly [keyof DeclareFields, string])[];

/**
 * Declaring in seconds: from a template, from a failing monitor, or from
 * scratch; every field labelled, a severity chosen by its name and meaning,
 * each affected component given its status. A plain form: no script needed.
 */
export function DeclarePage({
  page,
  viewer,
  csrf,
  fields,
  severities,
  templates,
  components,
  problem,
}: DeclarePageProps) {
  return (
    <ConsoleLayout page={page} title="Declare an incident" viewer={viewer} csrf={csrf} path="/console/incidents">
      {templates.length > 0 ? (
        <form method="get" action="/console/incidents/new" class="inline-form" aria-label="Start from a template">
          <label for="template-pick">Start from a template</label>
          <select id="template-pick" name="template">
            {templates.map((template) => (
              <option value={template.id} selected={template.id === fields.template}>
                {template.name}
              </option>
            ))}
          </select>
          <button type="submit">Use template</button>
          <a href="/console/incidents/new">or start from scratch</a>
        </form>
      ) : null}
      <FormProblems message={problem?.message} fields={problem?.fields} />
      <form method="post" action="/console/incidents/new" class="stack declare">
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <OnceField />
        <input type="hidden" name="template" value={fields.template} />
        <input type="hidden" name="monitor" value={fields.monitor} />
        <label for="name">Name</label>
        <input id="name" name="name" value={fields.name} required maxlength={255} autocomplete="off" />

        <fieldset>
          <legend>Severity</legend>
          {severities.map((severity) => (
            <div class="choice">
              <input
                type="radio"
                id={`severity-${severity.id}`}
                name="severity"
                value={severity.id}
                checked={fields.severity === severity.id}
                required
                aria-describedby={severity.description ? `severity-${severity.id}-hint` : undefined}
              />
              <label for={`severity-${severity.id}`}>{severity.name}</label>
              {severity.description ? (
                <p class="hint" id={`severity-${severity.id}-hint`}>
                  {severity.description}
                </p>
              ) : null}
            </div>
          ))}
        </fieldset>

        <fieldset>
          <legend>Affected components</legend>
          <p class="hint">Each affected component gets the status you choose now; the rest are left as they are.</p>
          {components.map((component) => (
            <div class="component-choice">
              <label for={`component-${component.id}`}>
                {component.name}
                {component.hidden ? " (hidden)" : ""}
              </label>
              <select id={`component-${component.id}`} name={`${COMPONENT_FIELD}${component.id}`}>
                <option value="">Not affected</option>
                {COMPONENT_STATUSES.map((status) => (
                  <option value={status} selected={fields.components[component.id] === status}>
                    {COMPONENT_STATUS_LABELS[status]}
                  </option>
                ))}
              </select>
            </div>
          ))}
        </fieldset>

        <label for="message">First message</label>
        <textarea id="message" name="message" required maxlength={10_000}>
          {fields.message}
        </textarea>

        <fieldset>
          <legend>Who sees it</legend>
          {VISIBILITIES.map(([visibility, label]) => (
            <div class="choice">
              <input
                type="radio"
                id={`visibility-${visibility}`}
                name="visibility"
                value={visibility}
                checked={fields.visibility === visibility}
              />
              <label for={`visibility-${visibility}`}>{label}</label>
            </div>
          ))}
        </fieldset>

        {ROLES.map(([role, label]) => (
          <>
            <label for={role}>{label}</label>
            <input id={role} name={role} value={fields[role]} maxlength={100} autocomplete="off" />
          </>
        ))}

        <div class="choice">
          <input type="checkbox" id="notify" name="notify" checked={fields.notify} />
          <label for="notify">Notify subscribers and webhooks</label>
        </div>
        <button type="submit">Declare incident</button>
      </form>
    </ConsoleLayout>
  );
}
