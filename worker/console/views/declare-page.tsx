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
          <div class="choice">
            <input
              type="radio"
              id="visibility-public"
              name="visibility"
              value="public"
              checked={fields.visibility === "public"}
            />
            <label for="visibility-public">Public: on the page, the feeds and to subscribers</label>
          </div>
          <div class="choice">
            <input
              type="radio"
              id="visibility-internal"
              name="visibility"
              value="internal"
              checked={fields.visibility === "internal"}
            />
            <label for="visibility-internal">Internal: the team only (it cannot change component statuses)</label>
          </div>
        </fieldset>

        <label for="lead">Incident lead</label>
        <input id="lead" name="lead" value={fields.lead} maxlength={100} autocomplete="off" />
        <label for="communicator">Communicator</label>
        <input id="communicator" name="communicator" value={fields.communicator} maxlength={100} autocomplete="off" />
        <label for="scribe">Scribe</label>
        <input id="scribe" name="scribe" value={fields.scribe} maxlength={100} autocomplete="off" />
        <label for="investigator">Investigator</label>
        <input id="investigator" name="investigator" value={fields.investigator} maxlength={100} autocomplete="off" />

        <div class="choice">
          <input type="checkbox" id="notify" name="notify" checked={fields.notify} />
          <label for="notify">Notify subscribers and webhooks</label>
        </div>
        <button type="submit">Declare incident</button>
      </form>
    </ConsoleLayout>
  );
}
