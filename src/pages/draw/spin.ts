/** The 九宫格 has eight prize cells around the start button; the highlight walks them by slot, 0–7 clockwise. */
export const CELL_COUNT = 8

/**
 * Where each slot sits in the 3×3 grid read row by row; 'start' is the centre. Walking slots in
 * order goes clockwise from the top left, so the highlight moves round the ring, never across it.
 */
export const GRID_LAYOUT: readonly (number | 'start')[] = [0, 1, 2, 7, 'start', 3, 6, 5, 4]

export interface SpinTiming {
  /** Between steps at full speed: while waiting for the server, and at the start of the stop. */
  fastMs: number
  /** Before the last step, when the highlight lands on the prize. */
  slowMs: number
  /** How many final steps slow down from fastMs to slowMs. */
  brakingSteps: number
}

export const DEFAULT_TIMING: SpinTiming = { fastMs: 60, slowMs: 360, brakingSteps: 10 }

export interface SpinStep {
  cell: number
  /** Wait this long after the previous step before highlighting `cell`. */
  delayMs: number
}

/** The cell the highlight moves to next while the answer is not back yet. */
export const nextCell = (cell: number): number => (cell + 1) % CELL_COUNT

/**
 * The steps that bring the highlight from `from` to `target` once the server has picked the prize:
 * at least `minRounds` full rounds, then on to the target, slowing down over the last steps so the
 * stop reads as the wheel coming to rest, not as a jump.
 */
export function planStop(from: number, target: number, minRounds: number, timing: SpinTiming = DEFAULT_TIMING): SpinStep[] {
  if (!isCell(from) || !isCell(target)) throw new RangeError(`cells are 0–${CELL_COUNT - 1}: from ${from}, target ${target}`)
  const rounds = Math.max(0, Math.ceil(minRounds))
  const total = rounds * CELL_COUNT + ((target - from + CELL_COUNT) % CELL_COUNT)
  const braking = Math.min(timing.brakingSteps, total)
  return Array.from({ length: total }, (_, i) => {
    // 0 until braking starts, then up to 1 on the last step; squared, so the slowing is gentle at first.
    const progress = braking === 0 ? 0 : Math.max(0, i + 1 - (total - braking)) / braking
    return {
      cell: (from + i + 1) % CELL_COUNT,
      delayMs: Math.round(timing.fastMs + (timing.slowMs - timing.fastMs) * progress * progress)
    }
  })
}

const isCell = (n: number) => Number.isInteger(n) && n >= 0 && n < CELL_COUNT
