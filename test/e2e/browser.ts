import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

/** Debian's chromium (never a downloaded browser); CHROMIUM_PATH overrides. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Why the browser tests cannot run here, or null when they can. In CI a missing browser is a failure. */
export function browserMissingReason(): string | null {
  if (existsSync(chromiumPath)) return null
  const reason = `no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`
  if (process.env.CI) throw new Error(`browser e2e cannot run in CI: ${reason}`)
  return reason
}

/** Playwright gives every launch a fresh, empty profile. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync'
    ]
  })
}
