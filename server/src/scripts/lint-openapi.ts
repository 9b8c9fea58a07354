// npm run lint:openapi: writes the /openapi.json this server publishes to a temporary file and runs
// `redocly lint` (recommended rules, plus redocly.yaml) on it, so a route that breaks the document
// fails CI instead of a client generator. Built in development mode, which registers every route
// (the dev clock too), so the document linted is a superset of the production one.
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildApp } from '../app'
import { loadConfig } from '../config'
import { connectPglite } from '../db'
import { migrate } from '../db/migrate'
import { devWechatAdapter } from '../wechat'

const repoRoot = path.resolve(__dirname, '../../..')

async function main() {
  const nowhere = path.join(os.tmpdir(), `loyalty-mall-no-static-${randomUUID()}`)
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', H5_DIR: nowhere, ADMIN_DIR: nowhere, JOB_INTERVAL_SECONDS: '0' })
  const db = await connectPglite()
  await migrate(db)
  const app = await buildApp({ config, db, wechat: devWechatAdapter(), wechatPay: null, logger: false })
  await app.ready()
  const document = app.swagger()
  await app.close()
  await db.close()

  const dir = mkdtempSync(path.join(os.tmpdir(), 'loyalty-mall-openapi-'))
  const file = path.join(dir, 'openapi.json')
  writeFileSync(file, JSON.stringify(document, null, 2))
  try {
    const redocly = path.join(repoRoot, 'node_modules', '.bin', process.platform === 'win32' ? 'redocly.cmd' : 'redocly')
    const result = spawnSync(redocly, ['lint', file, '--config', path.join(repoRoot, 'redocly.yaml')], { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } })
    process.exitCode = result.status ?? 1
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  process.stderr.write(`lint:openapi failed: ${error instanceof Error ? error.stack : error}\n`)
  process.exit(1)
})
