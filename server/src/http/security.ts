import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import fastifyHelmet from '@fastify/helmet'

/**
 * Security headers on every answer (API, the h5 app at /, the console at /admin/): a CSP that both
 * builds run under, no framing, nosniff, no referrer, and HSTS in production (served over TLS
 * there; a development server on http://127.0.0.1 must not pin itself to https).
 */
export async function installSecurityHeaders(app: FastifyInstance, options: { production: boolean; h5Dir: string }) {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(options) },
    // Matches frame-ancestors 'none' for browsers that only read the older header.
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: options.production ? { maxAge: 180 * 24 * 3600, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    // Nothing here is meant to be embedded cross-origin; the mini-program's wx.request is not a browser fetch.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    // Would demand CORP headers from every image a page shows (data: and blob: are fine without).
    crossOriginEmbedderPolicy: false
  })
}

export function contentSecurityPolicy(options: { production: boolean; h5Dir: string }): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    // The h5 build's index.html carries Taro's small inline bootstrap (the rem setup before the
    // bundle loads): allowed by its hash, so no other inline script can run.
    'script-src': ["'self'", ...inlineScriptHashes(path.join(options.h5Dir, 'index.html'))],
    'script-src-attr': ["'none'"],
    // Inline styles cannot run code, and both apps need them: Taro and NutUI set style attributes,
    // antd (the console) injects <style> elements at run time (CSS-in-JS).
    'style-src': ["'self'", "'unsafe-inline'"],
    // QR codes, posters and the console's favicon are data: or blob: URLs; no image is fetched
    // from another host (product pictures are drawn from colours).
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    // The h5 build and the console call the API on their own origin.
    'connect-src': ["'self'"],
    'media-src': ["'self'", 'data:', 'blob:'],
    'worker-src': ["'self'", 'blob:'],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    ...(options.production && { 'upgrade-insecure-requests': [] })
  }
}

/** 'sha256-…' sources for each inline <script> of a built page (none when it is not built). */
export function inlineScriptHashes(htmlFile: string): string[] {
  if (!existsSync(htmlFile)) return []
  const html = readFileSync(htmlFile, 'utf8')
  const hashes = new Set<string>()
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/i.test(match[1])) continue
    hashes.add(`'sha256-${createHash('sha256').update(match[2], 'utf8').digest('base64')}'`)
  }
  return [...hashes]
}
