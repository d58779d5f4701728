/** The keys of a component object in Statuspage's v2 JSON and webhooks (docs/reference/statuspage-v2.md), sorted. */
export const STATUSPAGE_COMPONENT_KEYS = [
  "created_at",
  "description",
  "group",
  "group_id",
  "id",
  "name",
  "only_show_if_degraded",
  "page_id",
  "position",
  "showcase",
  "start_date",
  "status",
  "updated_at",
];
