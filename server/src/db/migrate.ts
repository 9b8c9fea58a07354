import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Database } from './index'

const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations')
// Any constant works; it only has to be the same on every replica starting at once.
const MIGRATION_LOCK_KEY = 7_301_001

/**
 * Applies server/migrations/*.sql in name order, each once, each in its own transaction.
 * Replicas starting together serialise on an advisory lock, so a migration never runs twice.
 */
export async function migrate(db: Database): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((name) => name.endsWith('.sql')).sort()
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())'
    )
    const { rows } = await tx.query<{ name: string }>('SELECT name FROM schema_migrations')
    const applied = new Set(rows.map((row) => row.name))
    const pending = files.filter((name) => !applied.has(name))
    for (const name of pending) {
      const sql = await readFile(path.join(MIGRATIONS_DIR, name), 'utf8')
      await tx.exec(sql)
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name])
    }
    return pending
  })
}
