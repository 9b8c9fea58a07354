/** The points stepper moves by whole hundreds (¥10 each) between nothing and the order's maximum. */
export const POINTS_STEP = 100

export interface PointsBounds {
  min: number
  max: number
}

/** The next amount after pressing + (delta > 0) or − (delta < 0): 0, or within [min, max]. */
export function stepPoints(current: number, delta: number, bounds: PointsBounds): number {
  if (bounds.max < bounds.min) return 0
  const next = current + delta
  if (delta < 0) return next < bounds.min ? 0 : next
  if (current === 0) return Math.min(Math.max(bounds.min, POINTS_STEP), bounds.max)
  return Math.min(next, bounds.max)
}

/** A choice kept within a new cap (another coupon changes it): at most the maximum, or nothing below the minimum. */
export function clampPoints(current: number, bounds: PointsBounds): number {
  const capped = Math.min(current, bounds.max)
  return capped < bounds.min ? 0 : capped
}
