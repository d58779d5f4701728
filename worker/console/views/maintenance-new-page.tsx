import type { FieldProblem } from "../../core/api/contract.ts";
import type { ComponentView, PageInfo } from "../../core/read-model.ts";
import type { Viewer } from "../console-env.ts";
import { CSRF_FIELD } from "../csrf.ts";
import type { MaintenanceFormValues } from "../maintenance-form.ts";
import { may } from "../sections.ts";
import { ConsoleLayout } from "./console-layout.tsx";
import { FormProblems } from "./form-problems.tsx";
import { OnceField } from "./once-field.tsx";
import { WindowFields } from "./window-fields.tsx";

export interface MaintenanceNewPageProps {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  components: ComponentView[];
  values: MaintenanceFormValues;
  problem?: { message: string; fields?: FieldProblem[] } | undefined;
}

/** Schedule a maintenance: its window in the page's time zone, the components it touches, who hears of it. */
export function MaintenanceNewPage({ page, viewer, csrf, components, values, problem }: MaintenanceNewPageProps) {
  return (
    <ConsoleLayout page={page} title="Schedule a maintenance" viewer={viewer} csrf={csrf}>
      <p>
        <a href="/console/maintenances">Back to maintenances</a>
      </p>
      <FormProblems message={problem?.message} fields={problem?.fields} />
      {may(viewer.scopes, "maintenances.create") ? (
        <form method="post" action="/console/maintenances/new" class="stack">
          <input type="hidden" name={CSRF_FIELD} value={csrf} />
          <OnceField />
          <label for="m-name">Name</label>
          <input id="m-name" name="name" value={values.name} maxlength={255} required />
          <label for="m-message">Message</label>
          <textarea id="m-message" name="message" maxlength={10000} required>
            {values.message}
          </textarea>
          <WindowFields
            scheduledFor={values.scheduledFor}
            scheduledUntil={values.scheduledUntil}
            timeZone={page.timeZone}
          />
          <fieldset>
            <legend>Components under maintenance</legend>
            {components.map((component) => (
              <label class="check">
                <input
                  type="checkbox"
                  name="components"
                  value={component.id}
                  checked={values.components.includes(component.id)}
                />{" "}
                {component.name}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Who sees it</legend>
            <label class="check">
              <input type="radio" name="visibility" value="public" checked={values.visibility !== "internal"} /> Public:
              on the page and in the feeds
            </label>
            <label class="check">
              <input type="radio" name="visibility" value="internal" checked={values.visibility === "internal"} />{" "}
              Internal: the team only
            </label>
          </fieldset>
          <label class="check">
            <input type="checkbox" name="notify" checked={values.notify} /> Tell subscribers (mail and webhooks)
          </label>
          <button type="submit">Schedule</button>
        </form>
      ) : (
        <p>Your role does not schedule maintenances.</p>
      )}
    </ConsoleLayout>
  );
}
