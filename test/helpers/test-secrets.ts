/** Secrets the workers project binds (vitest.config.ts) and tests present; plain data, imported on both sides. */
export const ADMIN_TOKEN_FOR_TESTS = "test-admin-token-0123456789";
export const LINK_SECRET_FOR_TESTS = "test-link-secret";
