/**
 * Server bugs this suite found that are written up and not fixed yet. A violation matching one is
 * printed with the bug's label; it still counts (the suite fails) unless FAULTS_ALLOW_KNOWN_BUGS=1.
 * A violation of the same invariant that matches no pattern here is a new finding. Delete an entry
 * when its fix lands: the suite then proves the fix.
 */
export interface KnownBug {
  id: string
  title: string
  /** Matched against the violation's text (the invariant's name is prefixed: `<name> :: <text>`). */
  pattern: RegExp
}

// Both bugs the first runs found (pg-pool-error: a PostgreSQL restart crashed the replicas;
// refund-rerun: a retried refund ran twice) are fixed; none is known now.
export const KNOWN_BUGS: KnownBug[] = []

export function knownBugOf(invariant: string, violation: string): KnownBug | null {
  return KNOWN_BUGS.find((bug) => bug.pattern.test(`${invariant} :: ${violation}`)) ?? null
}
