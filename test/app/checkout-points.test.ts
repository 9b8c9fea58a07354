import { clampPoints, POINTS_STEP, stepPoints } from '../../src/pages/checkout/points'

describe("the checkout page's points stepper", () => {
  const bounds = { min: 100, max: 350 }

  it('starts at nothing and steps in hundreds (¥10 each) up to the order maximum', () => {
    let points = 0
    points = stepPoints(points, POINTS_STEP, bounds)
    expect(points).toBe(100)
    points = stepPoints(points, POINTS_STEP, bounds)
    points = stepPoints(points, POINTS_STEP, bounds)
    expect(points).toBe(300)
    points = stepPoints(points, POINTS_STEP, bounds)
    expect(points).toBe(350)
    expect(stepPoints(points, POINTS_STEP, bounds)).toBe(350)
  })

  it('steps down to nothing rather than below the minimum', () => {
    expect(stepPoints(350, -POINTS_STEP, bounds)).toBe(250)
    expect(stepPoints(100, -POINTS_STEP, bounds)).toBe(0)
    expect(stepPoints(0, -POINTS_STEP, bounds)).toBe(0)
  })

  it('stays at nothing when the order allows no points', () => {
    expect(stepPoints(0, POINTS_STEP, { min: 100, max: 0 })).toBe(0)
    expect(stepPoints(0, POINTS_STEP, { min: 100, max: 99 })).toBe(0)
  })

  it('starts at the minimum when the operator set it above one step', () => {
    expect(stepPoints(0, POINTS_STEP, { min: 150, max: 400 })).toBe(150)
  })

  it('keeps a choice within a new cap after another coupon, or drops it below the minimum', () => {
    expect(clampPoints(300, { min: 100, max: 275 })).toBe(275)
    expect(clampPoints(200, { min: 100, max: 275 })).toBe(200)
    expect(clampPoints(300, { min: 100, max: 0 })).toBe(0)
    expect(clampPoints(300, { min: 150, max: 120 })).toBe(0)
    expect(clampPoints(0, { min: 100, max: 275 })).toBe(0)
  })
})
