/** What an id in a path may look like; the router answers anything else with 404 before a lookup. */
export const ID = /^[a-z0-9]{1,40}$/;
/** Flag names as declared in worker/core/flags.ts. */
export const FLAG_NAME = /^[a-z_]{1,60}$/;
