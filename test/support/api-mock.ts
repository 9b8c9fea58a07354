/**
 * The '../../src/api' module for page tests:
 *   jest.mock('../../src/api', () => jest.requireActual('../support/api-mock').apiModuleMock())
 * `api` is a jest mock (shop-fixtures' `backend` answers it), and an action made with
 * `api.action(route)` calls that same mock, so a page's calls are answered and listed alike
 * whether it makes them plainly or as an action. Keys are the client's business: its own tests
 * (api-client.test.ts, idempotent-retry.test.tsx) run the real one.
 */
export function apiModuleMock() {
  const api = jest.fn()
  // A plain function, not a mock: pages make their actions once, when they are imported, and a
  // mockReset between tests must not take them away.
  const action = (route: string) => Object.assign((...input: unknown[]) => api(route, ...input), { reset: () => undefined })
  return { api: Object.assign(api, { action }), ApiError: jest.requireActual('../../src/api/client').ApiError }
}
