// The end-to-end tests' `wx`: wx.request carried over node:http to the real backend (gunicorn on
// PostgreSQL + Redis, started by tests/test_miniprogram_e2e.py), wx.login minting a code at the
// fake WeChat server's control endpoint. Any other wx call must be provided by the test.
require('miniprogram-simulate')
const { httpJson } = require('./http')
const config = require('../../src/config')

const API = process.env.YIZHAN_E2E_API // e.g. http://127.0.0.1:41234
const WECHAT = process.env.YIZHAN_E2E_WECHAT // the fake WeChat server, e.g. http://127.0.0.1:41235/
if (!API || !WECHAT) {
  throw new Error('YIZHAN_E2E_API and YIZHAN_E2E_WECHAT are not set: run the e2e tests through tests/test_miniprogram_e2e.py (make test)')
}

const person = { openid: null, storage: new Map(), location: null }
let provided = {}
let violations = []

const LIVE = {
  request(opts) {
    if (!opts.url.startsWith(config.baseUrl)) {
      violations.push(`request outside the configured base URL: ${opts.url}`)
      return opts.fail({ errMsg: 'request:fail' })
    }
    const url = API + opts.url.slice(config.baseUrl.length)
    const header = {}
    for (const [k, v] of Object.entries(opts.header || {})) header[k] = v
    const method = opts.method || 'GET'
    httpJson(method, url, method === 'GET' ? null : opts.data, header).then(
      (res) => opts.success({ statusCode: res.statusCode, data: res.data, header: res.header }),
      () => opts.fail({ errMsg: 'request:fail' }),
    )
  },
  login(opts) {
    httpJson('POST', `${WECHAT}__control/codes`, { openid: person.openid }).then(
      (res) => opts.success({ code: res.data.code }),
      () => opts.fail({ errMsg: 'login:fail' }),
    )
  },
  getStorageSync: (key) => (person.storage.has(key) ? person.storage.get(key) : ''),
  setStorageSync: (key, value) => person.storage.set(key, value),
  removeStorageSync: (key) => person.storage.delete(key),
  // The worker agrees to the privacy notice; their position is what the test says.
  onNeedPrivacyAuthorization: () => {},
  requirePrivacyAuthorize: (o) => setTimeout(() => o.success(), 0),
  getLocation: (o) => setTimeout(() => (person.location ? o.success({ latitude: person.location.lat, longitude: person.location.lng }) : o.fail({ errMsg: 'getLocation:fail auth deny' })), 0),
  setNavigationBarTitle: () => {},
  getSystemInfoSync: () => ({ SDKVersion: '3.4.0', platform: 'devtools', windowWidth: 375, windowHeight: 667, pixelRatio: 2 }),
  getWindowInfo: () => ({ windowWidth: 375, windowHeight: 667, pixelRatio: 2, screenWidth: 375, screenHeight: 667, statusBarHeight: 20 }),
  nextTick: (fn) => setTimeout(fn, 0),
}

global.wx = new Proxy(
  {},
  {
    get(_, name) {
      if (typeof name !== 'string') return undefined
      if (Object.prototype.hasOwnProperty.call(provided, name)) return provided[name]
      if (Object.prototype.hasOwnProperty.call(LIVE, name)) return LIVE[name]
      return () => {
        violations.push(`wx.${name}`)
        throw new Error(`wx.${name} was called, but the test did not provide it`)
      }
    },
  },
)
global.provideWx = (impl) => Object.assign(provided, impl)
global.wxViolation = (what) => violations.push(what)

/** The phone in the test's hand: a WeChat user (a fresh one has no token yet) at a place. */
global.asPerson = (openid, location = null) => {
  person.openid = openid
  person.storage = new Map()
  person.location = location
}

// An error the framework logs (a handler or an observer that threw) fails the test too.
const logError = console.error
console.error = (...args) => {
  violations.push(`console.error: ${String(args[0]).split('\n')[0]}`)
  logError(...args)
}

beforeEach(() => {
  provided = {}
  violations = []
})

afterEach(() => {
  const called = violations
  violations = []
  if (called.length) throw new Error(`calls the test did not provide: ${[...new Set(called)].join(', ')}`)
})
