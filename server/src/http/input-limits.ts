import type Ajv from 'ajv'
import type { ErrorObject, ValidateFunction } from 'ajv'
import type { DataValidationCxt } from 'ajv/dist/types'
import { fullFormats } from 'ajv-formats/dist/formats'

/*
 * Input the contract's JSON schemas allow but PostgreSQL refuses. Without these limits such a
 * request reaches a query and fails there, which the caller sees as 500 INTERNAL (and the logs as
 * an unhandled error). All three are enforced where every route's input is validated (the
 * validator compiler in app.ts), so they hold for every route, present and future, and the
 * refusal is an ordinary 400 VALIDATION_FAILED naming the field, like any other schema error:
 *
 * - NUL (U+0000): PostgreSQL's text, varchar and jsonb cannot hold it ("invalid byte sequence").
 * - Integers beyond int4: `type: integer` alone allows any safe integer, our columns and
 *   parameters are int4 ("value out of range for type integer").
 * - date-times RFC 3339 allows but PostgreSQL and JavaScript cannot store or read back: a leap
 *   second, year 0000, an instant past 9999-12-31 (reachable through a negative offset).
 */

/** PostgreSQL's `integer` (int4). */
export const INT4_MIN = -2_147_483_648
export const INT4_MAX = 2_147_483_647

/** The request parts whose strings go to the database (headers are checked by the HTTP parser). */
const TEXT_PARTS = new Set(['body', 'querystring', 'params'])

/** Keywords whose values are data, not subschemas: never rewritten. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples', 'example'])

/**
 * A deep copy of a JSON schema (TypeBox's included; its symbol keys are dropped) in which every
 * integer schema without a lower or upper bound gets int4's. Declared bounds are left as written:
 * a tighter one is already enough, and a wider one would be a deliberate choice (an int8 column).
 */
export function withInt4Bounds<T>(schema: T): T {
  return copyWithBounds(schema) as T
}

function copyWithBounds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(copyWithBounds)
  if (node === null || typeof node !== 'object') return node
  const copy: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    copy[key] = DATA_KEYWORDS.has(key) ? value : copyWithBounds(value)
  }
  const type = copy.type
  if (type === 'integer' || (Array.isArray(type) && type.includes('integer'))) {
    if (copy.minimum === undefined && copy.exclusiveMinimum === undefined) copy.minimum = INT4_MIN
    if (copy.maximum === undefined && copy.exclusiveMaximum === undefined) copy.maximum = INT4_MAX
  }
  return copy
}

/**
 * The JSON pointer (ajv's instancePath) of the first string, or object key, holding a NUL;
 * null when there is none.
 */
export function firstNulAt(value: unknown, at = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? at : null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstNulAt(value[i], `${at}/${i}`)
      if (found !== null) return found
    }
    return null
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const path = `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`
      if (key.includes('\u0000')) return path
      const found = firstNulAt(item, path)
      if (found !== null) return found
    }
  }
  return null
}

/**
 * Wraps a compiled validator of a body, query or params schema: what the schema accepts is then
 * searched for NUL, which fails like a schema error at that field. The search runs on the value
 * as validated (query and params coerced, defaults filled).
 */
export function refusingNul(validate: ValidateFunction, httpPart: string | undefined): ValidateFunction {
  if (!httpPart || !TEXT_PARTS.has(httpPart) || validate.schemaEnv?.$async) return validate
  const checked = function (this: unknown, data: unknown, dataCxt?: DataValidationCxt) {
    const valid = validate.call(this, data, dataCxt)
    if (!valid) {
      checked.errors = validate.errors
      return false
    }
    // Ajv may have replaced a scalar root through its parent (coercion); read the value it kept.
    const validated = dataCxt?.parentData ? dataCxt.parentData[dataCxt.parentDataProperty] : data
    const at = firstNulAt(validated)
    if (at === null) {
      checked.errors = null
      return true
    }
    const error: ErrorObject = {
      instancePath: at,
      schemaPath: '#/x-no-nul',
      keyword: 'x-no-nul',
      params: {},
      message: 'must not contain NUL (U+0000): PostgreSQL text cannot hold it'
    }
    checked.errors = [error]
    return false
  } as ValidateFunction
  // Fastify passes the parent (so ajv can coerce a root value) only to functions with a schemaEnv.
  checked.schema = validate.schema
  checked.schemaEnv = validate.schemaEnv
  checked.errors = null
  return checked
}

/** ajv-formats' own 'date-time' check (RFC 3339 with a time zone), kept as the first test. */
const rfc3339DateTime = (fullFormats['date-time'] as { validate: (value: string) => boolean }).validate
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):?(\d{2}))$/
/** 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the years both PostgreSQL and toISOString() write as four digits. */
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00Z')
const PAST_LAST_INSTANT = Date.parse('+010000-01-01T00:00:00Z')

/**
 * RFC 3339 date-time (ajv-formats' check) that also names one instant PostgreSQL's timestamptz
 * and JavaScript's Date both read, and that comes back as a four-digit year: no leap second
 * (Date cannot parse :60), no offset without minutes (+08, which Date cannot parse), and in UTC
 * within 0001-01-01 .. 9999-12-31 after the offset and PostgreSQL's rounding to microseconds.
 */
export function isStorableDateTime(value: string): boolean {
  if (!rfc3339DateTime(value)) return false
  const match = DATE_TIME.exec(value)
  if (!match) return false
  const [, year, month, day, hour, minute, second, fraction, zone, sign, offsetHours, offsetMinutes] = match
  if (Number(second) > 59) return false
  if (Number.isNaN(Date.parse(value))) return false
  const at = new Date(0)
  at.setUTCFullYear(Number(year), Number(month) - 1, Number(day))
  at.setUTCHours(Number(hour), Number(minute), Number(second), 0)
  const offsetMs = zone.toUpperCase() === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000
  // PostgreSQL keeps microseconds: .9999995 and beyond round up into the next second.
  const roundsUp = fraction !== undefined && Math.round(Number(fraction) * 1e6) >= 1e6
  // Whole seconds in integer milliseconds: adding the fraction in floating point near year 9999 would round.
  const utc = at.getTime() - offsetMs + (roundsUp ? 1000 : 0)
  return utc >= FIRST_INSTANT && utc < PAST_LAST_INSTANT
}

/** Replaces the 'date-time' format of an ajv that has ajv-formats' with the storable one. */
export function withStorableDateTimes(ajv: Ajv): Ajv {
  return ajv.addFormat('date-time', { type: 'string', validate: isStorableDateTime })
}
