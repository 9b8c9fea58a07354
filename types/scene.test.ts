import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildInviteScene, buildStoreScene, INVITE_CODE_ALPHABET, INVITE_CODE_PATTERN, parseInviteScene, parseStoreScene, SCENE_MAX_LENGTH } from './scene'

describe('parseStoreScene', () => {
  test('a store scene, with and without a staff member', () => {
    assert.deepEqual(parseStoreScene('s=SH001'), { storeCode: 'SH001' })
    assert.deepEqual(parseStoreScene('s=SH001&g=E07'), { storeCode: 'SH001', staffCode: 'E07' })
    assert.deepEqual(parseStoreScene('g=E07&s=SH001'), { storeCode: 'SH001', staffCode: 'E07' }, 'order does not matter')
  })

  test('the URI-encoded forms WeChat hands the page', () => {
    assert.deepEqual(parseStoreScene('s%3DSH001'), { storeCode: 'SH001' })
    assert.deepEqual(parseStoreScene('s%3DSH001%26g%3DE07'), { storeCode: 'SH001', staffCode: 'E07' })
    assert.deepEqual(parseStoreScene(encodeURIComponent('s=BJ001&g=E05')), { storeCode: 'BJ001', staffCode: 'E05' })
    assert.deepEqual(parseStoreScene('s%3dSH001%26g%3dE07'), { storeCode: 'SH001', staffCode: 'E07' }, 'lowercase hex')
  })

  test('the longest store and staff codes together fit the 32-character limit', () => {
    const scene = `s=${'A'.repeat(12)}&g=${'9'.repeat(12)}`
    assert.ok(scene.length <= SCENE_MAX_LENGTH)
    assert.deepEqual(parseStoreScene(scene), { storeCode: 'A'.repeat(12), staffCode: '9'.repeat(12) })
    // Encoded it is longer than 32 characters; the limit applies to the decoded scene.
    assert.deepEqual(parseStoreScene(encodeURIComponent(scene)), { storeCode: 'A'.repeat(12), staffCode: '9'.repeat(12) })
    assert.deepEqual(parseStoreScene(`s=${'A'.repeat(12)}`), { storeCode: 'A'.repeat(12) })
    assert.deepEqual(parseStoreScene(`s=SH&g=${'9'.repeat(12)}`), { storeCode: 'SH', staffCode: '9'.repeat(12) })
  })

  const bad: [string, unknown][] = [
    ['empty', ''],
    ['longer than 32 characters', `s=SH001&g=E07&${'x'.repeat(20)}`],
    ['33 characters', `s=SH001&g=E07&g=${'9'.repeat(16)}`],
    ['33 characters once decoded', encodeURIComponent(`s=SH001&g=E07&g=${'9'.repeat(16)}`)],
    ['far too long raw', 's=SH001'.padEnd(200, '&')],
    ['undecodable', '%E0%A4%A'],
    ['undecodable after a good part', 's=SH001%E0%A4%A'],
    ['lowercase store', 's=sh001'],
    ['lowercase staff', 's=SH001&g=e07'],
    ['store code too short', 's=S'],
    ['store code 13 characters', `s=${'A'.repeat(13)}`],
    ['staff code 13 characters', `s=SH001&g=${'E'.repeat(13)}`],
    ['percent in the code', 's=SH%2501'],
    ['unknown key', 's=SH001&x=1'],
    ['unknown key only', 'store=SH001'],
    ['duplicated store', 's=SH001&s=SH002'],
    ['duplicated staff', 's=SH001&g=E07&g=E12'],
    ['missing store', 'g=E07'],
    ['empty store', 's='],
    ['empty staff', 's=SH001&g='],
    ['no value', 's'],
    ['two equals signs', 's=SH001=1'],
    ['trailing ampersand', 's=SH001&'],
    ['a bare code', 'SH001'],
    ['spaces', 's= SH001'],
    ['full-width', 's=ＳＨ００１'],
    ['not a string (number)', 1001],
    ['not a string (null)', null],
    ['not a string (undefined)', undefined],
    ['not a string (object)', { s: 'SH001' }]
  ]
  for (const [what, raw] of bad) {
    test(`rejects: ${what}`, () => {
      assert.equal(parseStoreScene(raw), null)
    })
  }
})

describe('buildStoreScene', () => {
  test('builds what parseStoreScene reads back, raw and URI-encoded', () => {
    for (const scene of [{ storeCode: 'SH001' }, { storeCode: 'SH001', staffCode: 'E07' }, { storeCode: 'A'.repeat(12), staffCode: '9'.repeat(12) }]) {
      const built = buildStoreScene(scene)
      assert.ok(built.length <= SCENE_MAX_LENGTH)
      assert.deepEqual(parseStoreScene(built), scene)
      assert.deepEqual(parseStoreScene(encodeURIComponent(built)), scene)
    }
    assert.equal(buildStoreScene({ storeCode: 'SH001', staffCode: 'E07' }), 's=SH001&g=E07')
    assert.equal(buildStoreScene({ storeCode: 'SH001' }), 's=SH001')
  })

  test('refuses codes that would not scan back', () => {
    assert.throws(() => buildStoreScene({ storeCode: 'sh001' }), RangeError)
    assert.throws(() => buildStoreScene({ storeCode: 'SH001', staffCode: 'e07' }), RangeError)
    assert.throws(() => buildStoreScene({ storeCode: 'A'.repeat(13) }), RangeError)
    assert.throws(() => buildStoreScene({ storeCode: 'SH', staffCode: 'E07&x=1' }), RangeError)
    assert.throws(() => buildStoreScene({ storeCode: 'SH&g=E07' }), RangeError, 'a code smuggling in a staff member')
    assert.throws(() => buildStoreScene({ storeCode: 'SH%01' }), RangeError)
  })
})

describe('invite scenes', () => {
  test('a code round-trips through a scene that fits WeChat with room to spare', () => {
    for (const code of ['23456A', 'ZZZZZZ', 'K7M9PQ']) {
      const scene = buildInviteScene(code)
      assert.ok(scene.length <= SCENE_MAX_LENGTH - 20, scene)
      assert.equal(parseInviteScene(scene), code)
      assert.equal(parseInviteScene(encodeURIComponent(scene)), code)
    }
  })

  test('garbage and ambiguous characters are not invite scenes', () => {
    for (const raw of ['', 'i=', 'i=ABCDE', 'i=ABCDEFG', 'i=ABCDE0', 'i=ABCDEI', 'i=abcdef', 's=SH001', 'i=ABCDEF&x=1', '%E0%A4%A', 42, null]) {
      assert.equal(parseInviteScene(raw), null, String(raw))
    }
    assert.throws(() => buildInviteScene('ABCDE1'), RangeError)
  })

  test('the alphabet has no 0 O 1 I L and matches the pattern', () => {
    assert.doesNotMatch(INVITE_CODE_ALPHABET, /[01OIL]/)
    for (const char of INVITE_CODE_ALPHABET) assert.match(char.repeat(6), new RegExp(INVITE_CODE_PATTERN))
  })
})
