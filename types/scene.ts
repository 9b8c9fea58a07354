// The `scene` of a store's mini-program code (wxacode.getUnlimited): `s=SH001` or `s=SH001&g=E07`.
// WeChat allows at most 32 visible characters; the page receives it URI-encoded in `query.scene`.
// Shared by the mini-program (reading a scan) and the server (drawing codes), so the format lives once.

export const SCENE_MAX_LENGTH = 32
export const STORE_CODE_PATTERN = '^[A-Z0-9]{2,12}$'
export const STAFF_CODE_PATTERN = '^[A-Z0-9]{1,12}$'
// The longest scene, `s=` + 12 + `&g=` + 12 = 29 characters, fits WeChat's 32.

export interface StoreScene {
  storeCode: string
  staffCode?: string
}

const storeCodeRe = new RegExp(STORE_CODE_PATTERN)
const staffCodeRe = new RegExp(STAFF_CODE_PATTERN)

/** Decodes a raw (possibly URI-encoded) scene; null for anything that is not a valid store scene. */
export function parseStoreScene(raw: unknown): StoreScene | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > SCENE_MAX_LENGTH * 3) return null
  let scene: string
  try {
    scene = decodeURIComponent(raw)
  } catch {
    return null
  }
  if (scene.length > SCENE_MAX_LENGTH) return null
  const fields = new Map<string, string>()
  for (const pair of scene.split('&')) {
    const [key, value, ...rest] = pair.split('=')
    if (rest.length > 0 || value === undefined || fields.has(key)) return null
    fields.set(key, value)
  }
  const storeCode = fields.get('s')
  const staffCode = fields.get('g')
  if (!storeCode || !storeCodeRe.test(storeCode)) return null
  if (staffCode !== undefined && !staffCodeRe.test(staffCode)) return null
  for (const key of fields.keys()) if (key !== 's' && key !== 'g') return null
  return staffCode ? { storeCode, staffCode } : { storeCode }
}

export function buildStoreScene({ storeCode, staffCode }: StoreScene): string {
  const scene = staffCode ? `s=${storeCode}&g=${staffCode}` : `s=${storeCode}`
  const parsed = parseStoreScene(scene)
  // Parsing back to the same codes rules out a code that smuggles in `&g=` or the like.
  if (!parsed || parsed.storeCode !== storeCode || parsed.staffCode !== staffCode) {
    throw new RangeError(`not a valid store scene: ${scene}`)
  }
  return scene
}

// The `scene` of a member's invite code: `i=<invite code>`, 8 characters of WeChat's 32.
export const INVITE_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
export const INVITE_CODE_PATTERN = '^[2-9A-HJKMNP-Z]{6}$'
const inviteCodeRe = new RegExp(INVITE_CODE_PATTERN)

/** Decodes a raw (possibly URI-encoded) invite scene to its code; null for anything else. */
export function parseInviteScene(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > SCENE_MAX_LENGTH * 3) return null
  let scene: string
  try {
    scene = decodeURIComponent(raw)
  } catch {
    return null
  }
  const match = /^i=(.*)$/.exec(scene)
  return match && inviteCodeRe.test(match[1]) ? match[1] : null
}

export function buildInviteScene(inviteCode: string): string {
  if (!inviteCodeRe.test(inviteCode)) throw new RangeError(`not an invite code: ${inviteCode}`)
  return `i=${inviteCode}`
}
