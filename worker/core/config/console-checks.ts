import type { z } from "zod";
import type { ConsoleConfig } from "./console-schema.ts";

/**
 * What the console's config names exists, once (README "Severities and
 * templates"): severities have unique ids, and a template declares with a
 * declared severity, known components, and nothing the API would refuse at
 * 3 a.m. (an internal incident cannot move public component statuses).
 */
export function checkConsole(
  config: { console: ConsoleConfig },
  componentIds: ReadonlySet<string>,
  ctx: z.RefinementCtx,
): void {
  const { severities, templates } = config.console;
  const severityIds = new Set<string>();
  severities.forEach((severity, i) => {
    if (severityIds.has(severity.id)) {
      ctx.addIssue({
        code: "custom",
        path: ["console", "severities", i, "id"],
        message: `duplicate severity id "${severity.id}"`,
      });
    }
    severityIds.add(severity.id);
  });
  const templateIds = new Set<string>();
  templates.forEach((template, i) => {
    const at = ["console", "templates", i];
    if (templateIds.has(template.id)) {
      ctx.addIssue({ code: "custom", path: [...at, "id"], message: `duplicate template id "${template.id}"` });
    }
    templateIds.add(template.id);
    if (!severityIds.has(template.severity)) {
      ctx.addIssue({
        code: "custom",
        path: [...at, "severity"],
        message: `unknown severity "${template.severity}" (declared: ${[...severityIds].join(", ")})`,
      });
    }
    for (const componentId of Object.keys(template.components)) {
      if (!componentIds.has(componentId)) {
        ctx.addIssue({
          code: "custom",
          path: [...at, "components", componentId],
          message: `unknown component "${componentId}"`,
        });
      }
    }
    if (template.visibility === "internal" && Object.keys(template.components).length > 0) {
      ctx.addIssue({
        code: "custom",
        path: [...at, "components"],
        message: "an internal incident cannot change component statuses: leave components out, or make it public",
      });
    }
  });
}
