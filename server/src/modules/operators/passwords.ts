import { hash, verify } from '@node-rs/argon2'
import { AppError } from '../../http/errors'

// @node-rs/argon2's defaults are argon2id with m=19 MiB, t=2, p=1: OWASP's recommended minimum.
export const hashPassword = (password: string) => hash(password)

/** Compares in constant time for the hash; unknown accounts are checked against a dummy so timing tells nothing. */
export async function passwordMatches(passwordHash: string | null, password: string): Promise<boolean> {
  const matched = await verify(passwordHash ?? (await dummyHash()), password).catch(() => false)
  return passwordHash !== null && matched
}

let dummy: Promise<string> | null = null
const dummyHash = () => (dummy ??= hash('not-a-real-password'))

/** The contract enforces the length; a password containing the username is refused too. */
export function assertStrongPassword(password: string, username: string, field = 'password') {
  if (password.length < 10 || password.toLowerCase().includes(username.toLowerCase())) throw new AppError('PASSWORD_TOO_WEAK', field)
}
