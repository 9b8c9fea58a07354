/** One leaf value that differs between two versions of a document. */
export interface Change {
  path: string[]
  before: unknown
  after: unknown
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/**
 * Leaves by path. Lists of things with a `code` (the tiers) are keyed by it, so a reordered or
 * renamed row reads as the row it is rather than as shifted positions.
 */
function flatten(value: unknown, path: string[], out: Map<string, { path: string[]; value: unknown }>) {
  if (Array.isArray(value)) {
    const keyed = value.length > 0 && value.every((item) => isPlainObject(item) && typeof item.code === 'string')
    value.forEach((item, index) => flatten(item, [...path, keyed ? String((item as { code: string }).code) : String(index)], out))
    if (value.length === 0) out.set(JSON.stringify(path), { path, value: [] })
    return
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value)
    for (const [key, item] of entries) flatten(item, [...path, key], out)
    if (entries.length === 0) out.set(JSON.stringify(path), { path, value: {} })
    return
  }
  out.set(JSON.stringify(path), { path, value })
}

export function diff(before: unknown, after: unknown): Change[] {
  const a = new Map<string, { path: string[]; value: unknown }>()
  const b = new Map<string, { path: string[]; value: unknown }>()
  flatten(before ?? {}, [], a)
  flatten(after ?? {}, [], b)
  const changes: Change[] = []
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key)
    const y = b.get(key)
    if (JSON.stringify(x?.value) !== JSON.stringify(y?.value)) changes.push({ path: (x ?? y)!.path, before: x?.value, after: y?.value })
  }
  return changes
}

export function showValue(value: unknown): string {
  if (value === undefined) return '（无）'
  if (value === null) return '（空）'
  if (typeof value === 'boolean') return value ? '是' : '否'
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}
