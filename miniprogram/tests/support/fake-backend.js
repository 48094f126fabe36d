// For unit tests: a backend in the test, answering wx.request by method and path, plus storage
// and wx.login. A request to a path the test did not give fails the test.
const config = require('../../src/config')

const REPLY = Symbol('reply')

/** An answer with its HTTP status (and headers); a handler returning anything else answers 200. */
function reply(statusCode, data, header = {}) {
  return { [REPLY]: true, statusCode, data, header }
}

/**
 * @param {Record<string, (req: {query: URLSearchParams, data: any, header: any}) => any>} routes
 *   keys like 'GET /scan' (path under /api/mp/v1); a handler returns the body (200) or reply(status, body)
 */
function fakeBackend(routes, { online = true } = {}) {
  const state = { calls: [], online, storage: new Map(), logins: 0 }
  provideWx({
    request(opts) {
      const url = new URL(opts.url)
      const path = url.pathname.replace(config.apiPrefix, '')
      const call = { method: opts.method, path, query: url.searchParams, data: opts.data, header: opts.header }
      state.calls.push(call)
      if (!url.href.startsWith(config.baseUrl + config.apiPrefix)) wxViolation(`request outside the API: ${opts.url}`)
      setTimeout(() => {
        if (!state.online) return opts.fail({ errMsg: 'request:fail' })
        const handler = routes[`${opts.method} ${path}`]
        if (!handler) {
          wxViolation(`unexpected request ${opts.method} ${path}`)
          return opts.success({ statusCode: 404, data: { error: { code: 'not_found', message: '请求的地址不存在' } }, header: {} })
        }
        const answer = handler(call)
        const reply = answer && answer[REPLY] ? answer : { statusCode: 200, data: answer, header: {} }
        opts.success({ statusCode: reply.statusCode, data: reply.data, header: reply.header })
      }, 0)
    },
    login(opts) {
      state.logins += 1
      setTimeout(() => opts.success({ code: `code-${state.logins}` }), 0)
    },
    getStorageSync: (key) => (state.storage.has(key) ? state.storage.get(key) : ''),
    setStorageSync: (key, value) => state.storage.set(key, value),
    removeStorageSync: (key) => state.storage.delete(key),
  })
  if (!routes['POST /session']) {
    routes['POST /session'] = () => ({ token: `token-${state.logins}`, token_type: 'Bearer', expires_at: '2026-12-31T00:00:00Z', worker: { id: 1, worker_group: null } })
  }
  state.named = (method, path) => state.calls.filter((c) => c.method === method && c.path === path)
  return state
}

module.exports = { fakeBackend, reply }
