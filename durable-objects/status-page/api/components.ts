import type { ComponentStatus } from "../../../worker/core/statuses.ts";
import type { Handler } from "./context.ts";

type ComponentRow = {
  id: string;
  name: string;
  group_id: string | null;
  position: number;
  status: ComponentStatus;
  hidden: number;
};

/**
 * Every component with its status, hidden ones too (marked): the team's
 * view, where the public snapshot shows only what readers may see
 * (decision 0042). Names and statuses only, so the `read` scope may call it.
 */
export const listComponentsHandler: Handler<"components.list"> = ({ sql }) => ({
  status: 200,
  body: {
    data: sql
      .exec<ComponentRow>(
        `SELECT id, name, group_id, position, status, hidden FROM components WHERE removed_at IS NULL ORDER BY position`,
      )
      .toArray()
      .map((row) => ({
        id: row.id,
        name: row.name,
        groupId: row.group_id,
        position: row.position,
        status: row.status,
        hidden: row.hidden === 1,
      })),
  },
});
