import { randomUUID } from 'node:crypto'
import { accessSync, constants, readFileSync } from 'node:fs'
import path from 'node:path'
import type { WechatPayOptions } from './wechat/pay'

/**
 * development and test run with the dev stand-ins (WeChat login, pay, keys, embedded PostgreSQL);
 * any other NODE_ENV, unset included, is production and must be configured for real.
 */
export type RuntimeMode = 'development' | 'test' | 'production'

export interface Config {
  mode: RuntimeMode
  /** mode === 'production': every dev stand-in is refused. */
  production: boolean
  host: string
  port: number
  /** Real PostgreSQL when set; embedded PGlite in `pgliteDir` otherwise (development only). */
  databaseUrl: string | null
  pgliteDir: string
  sessionSecret: string
  sessionTtlSeconds: number
  memberCodeSecret: string
  /** The development till key, valid for every store; production refuses it (each till has its own key). */
  cashierKey: string | null
  /** The service key for scripts (x-operator-key); optional in production. */
  operatorKey: string | null
  /** The first console account's password when there is none; required in production for the first start. */
  adminBootstrapPassword: string | null
  operatorSessions: { idleMinutes: number; maxHours: number }
  /** WeChat subscribe-message template for points expiry reminders; reminders are not sent without it. */
  expiryReminderTemplateId: string | null
  /** WeChat subscribe-message template for the tier-up notice; not sent without it. */
  tierUpgradeTemplateId: string | null
  /** How often the background jobs run; 0 turns them off (tests run them by hand). */
  jobIntervalSeconds: number
  wechat: { appId: string; secret: string; apiBase: string } | null
  /** WeChat Pay v3 merchant (public-key mode); without it only the dev provider pays, and never in production. */
  wechatPay: WechatPayOptions | null
  /** The h5 build served at / when present. */
  h5Dir: string
  /** The console's build served at /admin/ when present. */
  adminDir: string
  logLevel: string
  /**
   * Which proxies may set X-Forwarded-For (Fastify's trustProxy): false trusts none, so request.ip
   * is the socket's peer; a number trusts that many hops; a list trusts those addresses/CIDRs.
   */
  trustProxy: false | number | string[]
  rateLimit: {
    /** Counters in Redis, shared by every replica; in process memory without it. */
    redisUrl: string | null
    /** Prefix of every counter's key, so several deployments (or test runs) can share one Redis. */
    namespace: string
  }
  /**
   * The staging clock (POST /api/dev/clock): development and test only, null (not registered) in
   * production. `name` is its row in the database: one per deployment, one per test app unless
   * a test passes DEV_CLOCK_NAME to share one between replicas.
   */
  devClock: { name: string } | null
}

/** The dev defaults; production refuses every one of them, whichever setting it is typed into. */
const DEV_SECRET = 'dev-only-secret-change-me'
const DEV_MEMBER_CODE_SECRET = `${DEV_SECRET}-member-code`
const DEV_CASHIER_KEY = 'dev-cashier-key'
const DEV_OPERATOR_KEY = 'dev-operator-key'
const DEV_VALUES = new Set([DEV_SECRET, DEV_MEMBER_CODE_SECRET, DEV_CASHIER_KEY, DEV_OPERATOR_KEY])
/** 256 bits: HMAC keys and service keys shorter than this are guessable offline. */
export const MIN_SECRET_BYTES = 32

/** A configuration that must not start: its message is the whole story (no stack trace needed). */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

export function runtimeMode(nodeEnv: string | undefined): RuntimeMode {
  return nodeEnv === 'development' || nodeEnv === 'test' ? nodeEnv : 'production'
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode = runtimeMode(env.NODE_ENV)
  const production = mode === 'production'
  // Every problem at once: whoever deploys fixes the whole list in one go, not one per restart.
  const problems: string[] = []

  if (production && !env.DATABASE_URL) problems.push('DATABASE_URL is not set (embedded PostgreSQL is for development only)')

  const secret = (name: string, devDefault: string): string => {
    const value = env[name]
    if (!production) return value || devDefault
    problems.push(...secretProblems(name, value))
    return value ?? ''
  }
  const sessionSecret = secret('SESSION_SECRET', DEV_SECRET)
  const memberCodeSecret = secret('MEMBER_CODE_SECRET', DEV_MEMBER_CODE_SECRET)
  if (production && sessionSecret && sessionSecret === memberCodeSecret) {
    problems.push('MEMBER_CODE_SECRET must differ from SESSION_SECRET (one leaked key must not forge both)')
  }

  const appId = env.WX_APPID
  const wxSecret = env.WX_SECRET
  if (production) {
    if (!appId) problems.push('WX_APPID is not set (the dev WeChat login is refused)')
    if (!wxSecret) problems.push('WX_SECRET is not set (the dev WeChat login is refused)')
  }

  let payProblems = 0
  if (production) {
    // The dev pay provider marks orders paid without money: production needs the merchant.
    const before = problems.length
    for (const name of WECHAT_PAY_ENV) {
      if (!env[name]) problems.push(`${name} is not set (WeChat Pay is required; the dev pay provider is refused)`)
      else if (name.endsWith('_FILE') && !readable(env[name]!)) problems.push(`${name} names a file that cannot be read: ${env[name]}`)
    }
    payProblems = problems.length - before
  }
  let wechatPay: WechatPayOptions | null = null
  // In production only once every pay setting is known to be there, so each is named once above.
  if (!production || (payProblems === 0 && appId)) {
    try {
      wechatPay = wechatPayOptions(env, appId)
    } catch (error) {
      if (!production) throw error
      problems.push(error instanceof Error ? error.message : String(error))
    }
  }

  let cashierKey: string | null = env.CASHIER_KEY || DEV_CASHIER_KEY
  if (production) {
    cashierKey = null
    if (env.CASHIER_KEY) problems.push('CASHIER_KEY is a development credential and is refused in production: give each till its own key in the console')
  }

  // Off in production unless configured, and then as strong as the other secrets.
  const operatorKey = env.OPERATOR_KEY || (production ? null : DEV_OPERATOR_KEY)
  if (production && env.OPERATOR_KEY) problems.push(...secretProblems('OPERATOR_KEY', env.OPERATOR_KEY))

  let trustProxy: Config['trustProxy'] = false
  try {
    trustProxy = parseTrustProxy(env.TRUST_PROXY)
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error))
  }

  if (problems.length > 0) {
    const why = production
      ? `NODE_ENV=${env.NODE_ENV === undefined ? '(unset)' : JSON.stringify(env.NODE_ENV)} is production (only "development" and "test" run with the dev stand-ins)`
      : 'the configuration is invalid'
    throw new ConfigError(`Refusing to start: ${why}. Fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }

  const root = path.resolve(__dirname, '../..')
  return {
    mode,
    production,
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 3000),
    databaseUrl: env.DATABASE_URL || null,
    pgliteDir: path.resolve(root, env.PGLITE_DIR ?? '.data/pglite'),
    sessionSecret,
    sessionTtlSeconds: Number(env.SESSION_TTL_SECONDS ?? 7 * 24 * 3600),
    memberCodeSecret,
    cashierKey,
    operatorKey,
    adminBootstrapPassword: env.ADMIN_BOOTSTRAP_PASSWORD || null,
    operatorSessions: {
      idleMinutes: Number(env.ADMIN_SESSION_IDLE_MINUTES ?? 30),
      maxHours: Number(env.ADMIN_SESSION_MAX_HOURS ?? 12)
    },
    expiryReminderTemplateId: env.WX_EXPIRY_REMINDER_TEMPLATE_ID || null,
    tierUpgradeTemplateId: env.WX_TIER_UPGRADE_TEMPLATE_ID || null,
    jobIntervalSeconds: Number(env.JOB_INTERVAL_SECONDS ?? 60),
    wechat:
      appId && wxSecret ? { appId, secret: wxSecret, apiBase: env.WX_API_BASE ?? 'https://api.weixin.qq.com' } : null,
    wechatPay,
    h5Dir: path.resolve(root, env.H5_DIR ?? 'dist-h5'),
    adminDir: path.resolve(root, env.ADMIN_DIR ?? 'admin/dist'),
    logLevel: env.LOG_LEVEL ?? 'info',
    trustProxy,
    rateLimit: {
      redisUrl: env.REDIS_URL || null,
      // A test app without a namespace of its own counts alone, as with the memory store, so test
      // files (and parallel runs on one Redis) never share counters; a test that means replicas to
      // share them passes one RATE_LIMIT_NAMESPACE to both.
      namespace: env.RATE_LIMIT_NAMESPACE || (mode === 'test' ? `loyalty-mall-test:${randomUUID()}:` : 'loyalty-mall:rate-limit:')
    },
    devClock: production ? null : { name: env.DEV_CLOCK_NAME || (mode === 'test' ? `test:${randomUUID()}` : 'default') }
  }
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK)
    return true
  } catch {
    return false
  }
}

/** Why a production secret is not good enough (nothing when it is). */
function secretProblems(name: string, value: string | undefined): string[] {
  if (!value) return [`${name} is not set`]
  if (DEV_VALUES.has(value)) return [`${name} is a published development value`]
  if (Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES) return [`${name} is shorter than ${MIN_SECRET_BYTES} bytes`]
  return []
}

/**
 * TRUST_PROXY: unset, "false" or "0" trusts no proxy; a whole number trusts that many hops (1 behind
 * WeChat Cloud Hosting's gateway or one load balancer); otherwise a comma-separated list of proxy
 * addresses or CIDRs. "true" (trust every hop) is refused: any client could then choose its own
 * address with X-Forwarded-For and step around the per-address limits.
 */
export function parseTrustProxy(raw: string | undefined): false | number | string[] {
  const value = raw?.trim() ?? ''
  if (value === '' || value === 'false' || value === '0') return false
  if (/^\d+$/.test(value)) return Number(value)
  if (value === 'true') throw new Error('TRUST_PROXY=true would trust every X-Forwarded-For: give the number of proxy hops or the proxies\' addresses')
  const list = value.split(',').map((part) => part.trim()).filter(Boolean)
  const address = /^(?:[0-9.]+|[0-9a-fA-F:.]+)(?:\/\d{1,3})?$|^(?:loopback|linklocal|uniquelocal)$/
  const bad = list.filter((part) => !address.test(part))
  if (list.length === 0 || bad.length > 0) throw new Error(`TRUST_PROXY must be a number of hops or a list of addresses/CIDRs, not ${JSON.stringify(raw)}`)
  return list
}

const WECHAT_PAY_ENV = [
  'WXPAY_MCHID',
  'WXPAY_MERCHANT_SERIAL',
  'WXPAY_PRIVATE_KEY_FILE',
  'WXPAY_APIV3_KEY',
  'WXPAY_PUBLIC_KEY_ID',
  'WXPAY_PUBLIC_KEY_FILE',
  'WXPAY_NOTIFY_URL'
] as const

/**
 * All of the merchant's settings, or none: half a configuration is an error, not the dev provider.
 * While WeChat Pay rotates its public key, WXPAY_NEXT_PUBLIC_KEY_ID and WXPAY_NEXT_PUBLIC_KEY_FILE
 * name the new key too (both or neither), so what it signs with either key is trusted; once it
 * signs only with the new one, that becomes WXPAY_PUBLIC_KEY_ID/FILE and the next pair is removed.
 */
function wechatPayOptions(env: NodeJS.ProcessEnv, appId: string | undefined): WechatPayOptions | null {
  const nextKeyEnv = ['WXPAY_NEXT_PUBLIC_KEY_ID', 'WXPAY_NEXT_PUBLIC_KEY_FILE'] as const
  const missing = WECHAT_PAY_ENV.filter((name) => !env[name])
  const nextKeySet = nextKeyEnv.filter((name) => env[name])
  if (missing.length === WECHAT_PAY_ENV.length && nextKeySet.length === 0) return null
  if (missing.length > 0 || !appId) throw new Error(`WeChat Pay needs ${[...missing, ...(appId ? [] : ['WX_APPID'])].join(', ')}`)
  if (nextKeySet.length === 1) {
    throw new Error(`WeChat Pay's next public key needs ${nextKeyEnv.filter((name) => !env[name]).join(', ')} as well`)
  }
  if (nextKeySet.length === 2 && env.WXPAY_NEXT_PUBLIC_KEY_ID === env.WXPAY_PUBLIC_KEY_ID) {
    throw new Error('WXPAY_NEXT_PUBLIC_KEY_ID must differ from WXPAY_PUBLIC_KEY_ID (it names the key WeChat Pay rotates to)')
  }
  return {
    mchId: env.WXPAY_MCHID!,
    appId,
    merchantSerial: env.WXPAY_MERCHANT_SERIAL!,
    merchantPrivateKey: readFileSync(env.WXPAY_PRIVATE_KEY_FILE!, 'utf8'),
    apiV3Key: env.WXPAY_APIV3_KEY!,
    platformPublicKeyId: env.WXPAY_PUBLIC_KEY_ID!,
    platformPublicKey: readFileSync(env.WXPAY_PUBLIC_KEY_FILE!, 'utf8'),
    nextPlatformPublicKey:
      nextKeySet.length === 2 ? { id: env.WXPAY_NEXT_PUBLIC_KEY_ID!, publicKey: readFileSync(env.WXPAY_NEXT_PUBLIC_KEY_FILE!, 'utf8') } : null,
    apiBase: env.WXPAY_API_BASE ?? 'https://api.mch.weixin.qq.com',
    notifyUrl: env.WXPAY_NOTIFY_URL!
  }
}
