/** Validates lookout.config.ts; exits non-zero with the problems named. Used by `npm start`. */
import { ConfigError } from "../worker/config/define-config.ts";

try {
  const { default: config } = await import("../lookout.config.ts");
  console.log(
    `lookout.config.ts is valid: "${config.page.name}", ${config.components.length} components in ${config.groups.length} groups, ${config.monitors.length} monitors.`,
  );
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
