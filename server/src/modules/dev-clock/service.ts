import type { Queryable } from '../../db'

/**
 * The staging clock (development and test only): business time = the base clock + an offset that
 * only grows. The offset lives in the database so that every replica and a restart agree on it
 * (time running backwards would date new rows before old ones); each process keeps a copy so that
 * reading the clock stays synchronous, refreshed after every advance and every few seconds.
 */
export interface DevClock {
  /** The business clock: what services.clock is in development. */
  now(): Date
  offsetMs(): number
  /** Reads the offset from the database (other replicas may have moved it). */
  refresh(db: Queryable): Promise<void>
  /** Moves the clock forward by `ms` for everyone; answers the new offset. Safe inside a transaction. */
  advance(db: Queryable, ms: number): Promise<number>
}

// Any constant works; it only has to be the same on every replica.
const DEV_CLOCK_LOCK_KEY = 7_301_009

/**
 * Not a migration on purpose: production databases never get this table. It is created the
 * first time someone moves the clock, under an advisory lock so that replicas doing it at once
 * do not race on the catalogue.
 */
async function ensureTable(db: Queryable) {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [DEV_CLOCK_LOCK_KEY])
    await tx.query(
      `CREATE TABLE IF NOT EXISTS dev_clock (
         name text PRIMARY KEY,
         offset_ms bigint NOT NULL CHECK (offset_ms >= 0),
         updated_at timestamptz NOT NULL DEFAULT now()
       )`
    )
  })
}

/**
 * `name` tells clocks apart on one database: one for a deployment, one per test app (tests on a
 * shared database must not move each other's time).
 */
export function createDevClock(base: () => Date, name: string): DevClock {
  let offset = 0
  return {
    now: () => new Date(base().getTime() + offset),
    offsetMs: () => offset,
    async refresh(db) {
      const { rows: exists } = await db.query<{ present: boolean }>(`SELECT to_regclass('dev_clock') IS NOT NULL AS present`)
      if (!exists[0].present) return
      const { rows } = await db.query<{ offset: number }>('SELECT offset_ms AS offset FROM dev_clock WHERE name = $1', [name])
      // The database is the truth (an advance whose transaction rolled back is undone here); it
      // only ever adds, so this never moves time backwards.
      if (rows[0]) offset = Number(rows[0].offset)
    },
    async advance(db, ms) {
      await ensureTable(db)
      const { rows } = await db.query<{ offset: number }>(
        `INSERT INTO dev_clock (name, offset_ms) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET offset_ms = dev_clock.offset_ms + EXCLUDED.offset_ms, updated_at = now()
         RETURNING offset_ms AS offset`,
        [name, ms]
      )
      offset = Number(rows[0].offset)
      return offset
    }
  }
}
