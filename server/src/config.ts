import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { WechatPayOptions } from './wechat/pay'

export interface Config {
  production: boolean
  host: string
  port: number
  /** Real PostgreSQL when set; embedded PGlite in `pgliteDir` otherwise. */
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
}

const DEV_SECRET = 'dev-only-secret-change-me'

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production'
  const secret = (name: string, devDefault: string) => {
    const value = env[name]
    if (value) return value
    if (production) throw new Error(`${name} must be set when NODE_ENV=production`)
    return devDefault
  }
  const appId = env.WX_APPID
  const wxSecret = env.WX_SECRET
  if (production && !(appId && wxSecret)) {
    throw new Error('WX_APPID and WX_SECRET must be set when NODE_ENV=production (the dev WeChat adapter is refused)')
  }
  const root = path.resolve(__dirname, '../..')
  return {
    production,
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 3000),
    databaseUrl: env.DATABASE_URL || null,
    pgliteDir: path.resolve(root, env.PGLITE_DIR ?? '.data/pglite'),
    sessionSecret: secret('SESSION_SECRET', DEV_SECRET),
    sessionTtlSeconds: Number(env.SESSION_TTL_SECONDS ?? 7 * 24 * 3600),
    memberCodeSecret: secret('MEMBER_CODE_SECRET', `${DEV_SECRET}-member-code`),
    cashierKey: devOnly(env, production, 'CASHIER_KEY', 'dev-cashier-key'),
    operatorKey: env.OPERATOR_KEY || (production ? null : 'dev-operator-key'),
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
    wechatPay: wechatPayOptions(env, appId),
    h5Dir: path.resolve(root, env.H5_DIR ?? 'dist-h5'),
    adminDir: path.resolve(root, env.ADMIN_DIR ?? 'admin/dist'),
    logLevel: env.LOG_LEVEL ?? 'info'
  }
}

/** A credential that exists only for development: production refuses to start with it set. */
function devOnly(env: NodeJS.ProcessEnv, production: boolean, name: string, devDefault: string): string | null {
  if (!production) return env[name] || devDefault
  if (env[name]) throw new Error(`${name} is a development credential and is refused in production: give each till its own key in the console`)
  return null
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
