import { existsSync } from 'node:fs'
import path from 'node:path'
import { buildApp } from './app'
import { ConfigError, loadConfig } from './config'
import { connectDatabase } from './db'
import { migrate } from './db/migrate'
import { seedDemoData } from './seed/demo'
import { startJobs } from './jobs'
import { ensureFirstAccount } from './modules/operators/service'
import { createWechatAdapter } from './wechat'

async function main() {
  const config = loadConfig()
  const db = await connectDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir })
  const applied = await migrate(db)
  // Each demo step adds only what is missing, so a development database gains new features' demo data.
  if (!config.production) await seedDemoData(db)
  const firstAccount = await ensureFirstAccount(db, { bootstrapPassword: config.adminBootstrapPassword, production: config.production, now: new Date() })

  const wechat = createWechatAdapter(config)
  const app = await buildApp({ config, db, wechat })
  app.log.info({ mode: config.mode, migrations: applied, database: db.kind, wechat: wechat.kind, rateLimits: config.rateLimit.redisUrl ? 'redis' : 'memory' }, 'starting')
  // Allowed, for a single replica; with more, each would count its own limits.
  if (config.production && !config.rateLimit.redisUrl) app.log.warn('REDIS_URL is not set: rate limits are counted per replica')
  await app.listen({ host: config.host, port: config.port })
  const stopJobs = startJobs(app.services, app.log)

  const base = `http://${config.host}:${config.port}`
  const lines = [
    '',
    'Loyalty Mall is running',
    `  mode:      ${config.mode}${config.devClock ? ` (staging clock: ${base}/api/dev/clock)` : ''}`,
    `  database:  ${db.kind === 'pglite' ? `embedded PostgreSQL (PGlite) in ${config.pgliteDir}` : 'PostgreSQL (DATABASE_URL)'}`,
    `  API:       ${base}/api   OpenAPI: ${base}/openapi.json   health: ${base}/health`,
    existsSync(config.h5Dir)
      ? `  h5 app:    ${base}/\n  join demo: ${base}/#/pages/join/index?scene=${encodeURIComponent('s=SH001&g=E07')}`
      : '  h5 app:    not built (npm run build:h5)',
    existsSync(path.join(config.adminDir, 'index.html')) ? `  console:   ${base}/admin/` : '  console:   not built (npm run build:admin)',
    ...(firstAccount
      ? [`  first console login (shown once; change it after signing in): ${firstAccount.username} / ${config.adminBootstrapPassword ? '(ADMIN_BOOTSTRAP_PASSWORD)' : firstAccount.password}`]
      : []),
    ''
  ]
  process.stdout.write(lines.join('\n') + '\n')

  const shutdown = async () => {
    stopJobs()
    await app.close()
    await db.close()
    process.exit(0)
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}

main().catch((error) => {
  const detail = error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : error
  process.stderr.write(`Loyalty Mall failed to start: ${detail}\n`)
  process.exit(1)
})
