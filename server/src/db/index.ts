import { mkdirSync } from 'node:fs'
import pg from 'pg'
import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite'

/** What repositories need: parameterised queries and a transaction that nests into an outer one. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>
  /** Runs `work` in a transaction; inside a transaction it joins the one already open. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>
}

export interface Database extends Queryable {
  close(): Promise<void>
  readonly kind: 'postgres' | 'pglite'
}

// int8 (counts, sums, bigint ids) as JS numbers on both drivers: every value we store fits
// Number.MAX_SAFE_INTEGER, and one representation keeps repositories driver-agnostic.
const INT8_OID = 20
const parseInt8 = (value: string) => {
  const n = Number(value)
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 out of safe range: ${value}`)
  return n
}

function joinOuter(tx: Pick<Queryable, 'query' | 'exec'>): Queryable {
  const self: Queryable = {
    query: (sql, params) => tx.query(sql, params),
    exec: (sql) => tx.exec(sql),
    transaction: (work) => work(self)
  }
  return self
}

const rowsOf = <Row>(result: pg.QueryResult) => ({ rows: result.rows as Row[] })

const ignoreDroppedConnection = () => undefined

// Connection refused or lost, and PostgreSQL shutting down or starting up (SQLSTATE classes 08, 57P).
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006'])

/** Whether an error means the database is out of reach for now (worth a 503 and a retry), not a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const failure = error as { code?: unknown; message?: unknown }
  return (typeof failure.code === 'string' && UNAVAILABLE_CODES.has(failure.code)) || /Connection terminated/i.test(String(failure.message ?? ''))
}

/** Serialisation failures and deadlocks are retried: the work is re-run from the start. */
const RETRYABLE = new Set(['40001', '40P01'])

export function connectPostgres(connectionString: string): Database {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    types: { getTypeParser: (oid, format) => (oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format)) }
  })
  // A connection PostgreSQL drops (a restart, a failover) must not take the process down: the
  // query in flight fails with its own error, and the pool opens a new connection for the next.
  pool.on('error', ignoreDroppedConnection)
  const query: Queryable['query'] = async (sql, params) => rowsOf(await pool.query(sql, params as unknown[]))
  return {
    kind: 'postgres',
    query,
    async transaction(work) {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect()
        client.on('error', ignoreDroppedConnection)
        let broken = false
        try {
          await client.query('BEGIN')
          const result = await work(
            joinOuter({
              query: async (sql, params) => rowsOf(await client.query(sql, params as unknown[])),
              exec: async (sql) => void (await client.query(sql))
            })
          )
          await client.query('COMMIT')
          return result
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {
            broken = true
          })
          if (attempt < 5 && RETRYABLE.has((error as { code?: string }).code ?? '')) continue
          throw error
        } finally {
          client.removeListener('error', ignoreDroppedConnection)
          // A connection that could not even roll back is closed, not handed to the next caller.
          client.release(broken)
        }
      }
    },
    async exec(sql) {
      await pool.query(sql)
    },
    close: () => pool.end()
  }
}

/** Embedded PostgreSQL: `dataDir` on disk, or in memory when omitted (tests). */
export async function connectPglite(dataDir?: string): Promise<Database> {
  // PGlite creates only the last folder of the path; a fresh clone has no .data/ yet.
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const { PGlite } = await import('@electric-sql/pglite')
  const db: PGlite = await PGlite.create({ dataDir, parsers: { [INT8_OID]: parseInt8 } })
  const run = async (target: PGlite | PGliteTransaction, sql: string, params?: unknown[]) => {
    const result = await target.query(sql, params as unknown[])
    return { rows: result.rows as never[] }
  }
  return {
    kind: 'pglite',
    query: (sql, params) => run(db, sql, params),
    // PGlite is a single session: its transaction() holds the connection exclusively, so
    // transactions are serialised, which is the strongest isolation there is.
    transaction: (work) =>
      db.transaction((tx) =>
        work(joinOuter({ query: (sql, params) => run(tx, sql, params), exec: async (sql) => void (await tx.exec(sql)) }))
      ),
    async exec(sql) {
      await db.exec(sql)
    },
    close: () => db.close()
  }
}

export async function connectDatabase(options: { databaseUrl: string | null; pgliteDir?: string }): Promise<Database> {
  return options.databaseUrl ? connectPostgres(options.databaseUrl) : connectPglite(options.pgliteDir)
}
