import { CELL_COUNT, GRID_LAYOUT, nextCell, planStop } from '../../src/pages/draw/spin'

const slots = Array.from({ length: CELL_COUNT }, (_, slot) => slot)

describe('the 九宫格 highlight', () => {
  it('lays the slots clockwise from the top left around the start button', () => {
    expect(GRID_LAYOUT).toEqual([0, 1, 2, 7, 'start', 3, 6, 5, 4])
    expect(slots.map(nextCell)).toEqual([1, 2, 3, 4, 5, 6, 7, 0])
  })

  it.each(slots)('ends exactly on slot %i from every starting cell, moving one cell at a time', (target) => {
    for (const from of slots) {
      const steps = planStop(from, target, 2)
      expect(steps[steps.length - 1].cell).toBe(target)
      steps.forEach((step, i) => expect(step.cell).toBe(nextCell(i === 0 ? from : steps[i - 1].cell)))
    }
  })

  it('runs at least the minimum rounds, and less than one more', () => {
    for (const from of slots) {
      for (const target of slots) {
        for (const rounds of [0, 1, 2, 3]) {
          const { length } = planStop(from, target, rounds)
          expect(length).toBeGreaterThanOrEqual(rounds * CELL_COUNT)
          expect(length).toBeLessThan((rounds + 1) * CELL_COUNT)
        }
      }
    }
    // Landing where it already is still takes the full rounds.
    expect(planStop(3, 3, 2)).toHaveLength(16)
  })

  it('slows down towards the prize, never speeding up again', () => {
    const timing = { fastMs: 50, slowMs: 400, brakingSteps: 8 }
    const delays = planStop(5, 2, 2, timing).map((step) => step.delayMs)
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1])
    expect(delays[0]).toBe(50)
    expect(delays[delays.length - 1]).toBe(400)
    expect(delays[delays.length - 2]).toBeLessThan(400)
    // Full speed until the braking starts.
    expect(new Set(delays.slice(0, delays.length - 8))).toEqual(new Set([50]))
  })

  it('refuses a cell outside the ring', () => {
    expect(() => planStop(0, 8, 2)).toThrow(RangeError)
    expect(() => planStop(-1, 0, 2)).toThrow(RangeError)
  })
})
