/**
 * JSON with object keys sorted and undefined members left out: the same parameters written in
 * another order are the same request. The server hashes it to tell an Idempotency-Key's retry from
 * its misuse, and the mini-program compares with it whether a tap repeats an action; both must
 * read a request the same way, so there is one definition. Plain code: the mini-program imports it.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
