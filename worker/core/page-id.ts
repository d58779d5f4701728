import type { LookoutConfig } from "./config/schema.ts";

/**
 * Statuspage pages have a short lowercase alphanumeric id. Unless the config
 * names one, derive it from the page URL so it stays stable across deploys.
 */
export function pageIdFor(config: Pick<LookoutConfig, "page">): string {
  return config.page.id ?? (fnv1a(config.page.url, 0x811c9dc5) + fnv1a(config.page.url, 0x01000193)).slice(0, 12);
}

/** A short, stable, non-cryptographic digest of a string (hex). */
export function fingerprint(text: string): string {
  return fnv1a(text, 0x811c9dc5) + fnv1a(text, 0x9e3779b9);
}

function fnv1a(text: string, seed: number): string {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36).padStart(7, "0");
}
