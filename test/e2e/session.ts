import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { after, before } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { browserMissingReason, launchBrowser } from './browser'
import { startServer, type RunningServer } from './server'

export const screenshots = path.resolve(__dirname, '../../test-results')

export interface BrowserSession {
  /** Why the file's tests are skipped (no browser here), or false. */
  skip: string | false
  readonly server: RunningServer
  readonly page: Page
  /** A page in a browser context of its own: another person on another phone. */
  anotherPerson(): Promise<Page>
}

async function phonePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' })
  return context.newPage()
}

/**
 * One real server and one phone-sized Chromium page for a test file, started before its tests and
 * stopped after them.
 */
export function useBrowserSession(): BrowserSession {
  const skip = browserMissingReason()
  if (skip) process.stdout.write(`# skipping browser e2e: ${skip}\n`)
  let server: RunningServer | undefined
  let browser: Browser | undefined
  let page: Page | undefined

  before(async () => {
    if (skip) return
    server = await startServer()
    browser = await launchBrowser()
    page = await phonePage(browser)
    mkdirSync(screenshots, { recursive: true })
  })

  after(async () => {
    await browser?.close()
    await server?.stop()
  })

  return {
    skip: skip ?? false,
    get server() {
      if (!server) throw new Error('the e2e server is not running')
      return server
    },
    get page() {
      if (!page) throw new Error('the e2e page is not open')
      return page
    },
    anotherPerson() {
      if (!browser) throw new Error('the e2e browser is not running')
      return phonePage(browser)
    }
  }
}
