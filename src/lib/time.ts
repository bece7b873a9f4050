/** Timestamps travel as ISO-8601 UTC strings everywhere above the storage adapters. */
export function nowIso(): string {
  return new Date().toISOString();
}
