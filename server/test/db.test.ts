import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { connectPglite } from '../src/db'
import { migrate } from '../src/db/migrate'

test('embedded PostgreSQL starts in a folder that does not exist yet, and its data survives a restart', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'loyalty-mall-db-'))
  const dataDir = path.join(root, '.data', 'pglite') // as on a fresh clone: no .data/ yet
  try {
    const first = await connectPglite(dataDir)
    assert.ok((await migrate(first)).length > 0)
    await first.query("INSERT INTO stores (code, name, city, address) VALUES ('KEEP1', '测试门店', '上海', '某路 1 号')")
    await first.close()

    const second = await connectPglite(dataDir)
    assert.deepEqual(await migrate(second), [], 'migrations run once')
    const { rows } = await second.query<{ name: string }>("SELECT name FROM stores WHERE code = 'KEEP1'")
    assert.deepEqual(rows, [{ name: '测试门店' }])
    await second.close()
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})
