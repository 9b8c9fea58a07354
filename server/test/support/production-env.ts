import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

let keyDir: string | null = null

/** PEM files for the WeChat Pay settings: loadConfig reads them, nothing here signs with them. */
function keyFiles(): { privateKey: string; publicKey: string } {
  keyDir ??= mkdtempSync(path.join(os.tmpdir(), 'loyalty-mall-prod-env-'))
  const privateKey = path.join(keyDir, 'apiclient_key.pem')
  const publicKey = path.join(keyDir, 'pub_key.pem')
  writeFileSync(privateKey, '-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n')
  writeFileSync(publicKey, '-----BEGIN PUBLIC KEY-----\nnot-a-key\n-----END PUBLIC KEY-----\n')
  return { privateKey, publicKey }
}

/**
 * Every setting production requires, each good enough: the baseline that tests take one away from
 * (an override of undefined leaves that setting out).
 */
export function productionEnv(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const { privateKey, publicKey } = keyFiles()
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://loyalty@db.internal:5432/loyalty',
    SESSION_SECRET: 's'.repeat(32),
    MEMBER_CODE_SECRET: 'm'.repeat(32),
    WX_APPID: 'wx1234567890abcdef',
    WX_SECRET: 'x'.repeat(32),
    WXPAY_MCHID: '1900000001',
    WXPAY_MERCHANT_SERIAL: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    WXPAY_PRIVATE_KEY_FILE: privateKey,
    WXPAY_APIV3_KEY: 'k'.repeat(32),
    WXPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0000000000000000000000000001',
    WXPAY_PUBLIC_KEY_FILE: publicKey,
    WXPAY_NOTIFY_URL: 'https://api.example.com/api/pay/wechat/notify',
    ...overrides
  }
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))
}
