/**
 * miniprogram-ci on the weapp build (dist/):
 *   check    offline: WeChat's code-quality checks and the size of every package (fails over the limits)
 *   upload   upload a version (needs WX_APPID, WX_UPLOAD_KEY_PATH and WeChat's servers)
 *   preview  a preview QR code in the terminal (same needs)
 */
import { generateKeyPairSync } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import * as ci from 'miniprogram-ci'

const root = path.resolve(__dirname, '..')
const distDir = path.join(root, 'dist')
const MB = 1024 * 1024
/** WeChat's limits: 2 MB for the main package and each subpackage, 20 MB in all. */
const PACKAGE_LIMIT = 2 * MB
const TOTAL_LIMIT = 20 * MB

const formatSize = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`

function fail(message: string): never {
  process.stderr.write(`\n✖ ${message}\n`)
  process.exit(1)
}

function project(appid: string, privateKeyPath?: string) {
  if (!existsSync(path.join(distDir, 'app.json'))) fail('dist/ has no weapp build: run `npm run build:weapp` first.')
  // The offline checks never use the key, but the Project requires one: a throw-away key does.
  const privateKey = privateKeyPath
    ? undefined
    : generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
  return new ci.Project({ appid, type: 'miniProgram', projectPath: distDir, privateKeyPath, privateKey, ignores: ['node_modules/**/*'] })
}

async function check() {
  const appid = process.env.WX_APPID || 'touristappid'
  const target = project(appid)

  const analysis = await ci.analyseCode(target, { silent: true })
  if (!analysis) fail('miniprogram-ci could not analyse dist/.')
  const packages = new Map<string, number>()
  for (const file of analysis.files) {
    const name = file.subPackage ?? 'main'
    packages.set(name, (packages.get(name) ?? 0) + file.size)
  }
  const total = [...packages.values()].reduce((sum, size) => sum + size, 0)
  process.stdout.write('Package sizes (miniprogram-ci analyseCode):\n')
  for (const [name, size] of packages) process.stdout.write(`  ${name.padEnd(24)} ${formatSize(size)}\n`)
  process.stdout.write(`  ${'total'.padEnd(24)} ${formatSize(total)}\n`)
  process.stdout.write(`main package size: ${packages.get('main') ?? 0} bytes (${formatSize(packages.get('main') ?? 0)} of ${formatSize(PACKAGE_LIMIT)})\n`)

  const quality = await ci.checkCodeQuality(target)
  process.stdout.write('\nCode quality (miniprogram-ci checkCodeQuality):\n')
  for (const item of quality) process.stdout.write(`  ${item.success ? '✔' : '!'} ${item.name}${item.text ? `: ${item.text}` : ''}\n`)

  const oversized = [...packages].filter(([, size]) => size > PACKAGE_LIMIT)
  if (oversized.length > 0) fail(`over the 2 MB package limit: ${oversized.map(([n, s]) => `${n} ${formatSize(s)}`).join(', ')}`)
  if (total > TOTAL_LIMIT) fail(`over the 20 MB total limit: ${formatSize(total)}`)
  process.stdout.write('\n✔ weapp build within WeChat package limits\n')
}

async function publish(kind: 'upload' | 'preview') {
  const appid = process.env.WX_APPID
  const keyPath = process.env.WX_UPLOAD_KEY_PATH
  const missing = [
    !appid && 'WX_APPID (the mini-program AppID)',
    !keyPath && 'WX_UPLOAD_KEY_PATH (the upload private key file from mp.weixin.qq.com → 开发管理 → 小程序代码上传)'
  ].filter(Boolean)
  if (missing.length > 0) fail(`cannot ${kind}: set ${missing.join(' and ')}.`)
  if (!existsSync(keyPath!)) fail(`cannot ${kind}: the key file WX_UPLOAD_KEY_PATH=${keyPath} does not exist.`)

  // The build bakes in its API address; a version pointing at 127.0.0.1 is of no use on a phone.
  if (!process.env.LM_API_BASE_URL) {
    process.stderr.write('! LM_API_BASE_URL was not set for this build: the mini-program will call http://127.0.0.1:3000\n')
  }
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }
  const target = project(appid!, keyPath)
  const desc = process.env.WX_UPLOAD_DESC ?? `Loyalty Mall ${version}`
  try {
    if (kind === 'upload') {
      await ci.upload({ project: target, version, desc, robot: 1, setting: { es6: false, minify: true } })
      process.stdout.write(`✔ uploaded version ${version}\n`)
    } else {
      await ci.preview({ project: target, version, desc, robot: 1, qrcodeFormat: 'terminal', setting: { es6: false, minify: true } })
      process.stdout.write('✔ preview ready: scan the code above in WeChat\n')
    }
  } catch (error) {
    const text = String((error as Error)?.message ?? error)
    if (/getaddrinfo|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|network/i.test(text)) {
      fail(`cannot ${kind}: WeChat's servers are not reachable from this machine (${text.split('\n')[0]}).`)
    }
    if (/privateKey|private key|invalid ip|ip.*white/i.test(text)) {
      fail(`cannot ${kind}: WeChat refused the key or this machine's IP (${text.split('\n')[0]}). Check the key and the IP allow-list.`)
    }
    fail(`cannot ${kind}: ${text.split('\n')[0]}`)
  }
}

const command = process.argv[2]
const run = command === 'check' ? check() : command === 'upload' || command === 'preview' ? publish(command) : fail('usage: miniprogram-ci.ts check|upload|preview')
run.then(
  // miniprogram-ci leaves handles open; the script is done when its work is.
  () => process.exit(0),
  (error) => fail(String(error?.stack ?? error))
)
