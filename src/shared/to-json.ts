/** JSON that keeps bigints (as decimal strings), for --json output and reports. */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent)
}
