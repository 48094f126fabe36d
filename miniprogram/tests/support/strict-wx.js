// The unit tests' `wx`: nothing but what the test provides. simulate's own `wx` answers every call
// with invented data (a request returns {} after 100 ms); here any call a test did not provide
// is recorded and fails the test, even when the page's code catches the error it throws.
require('miniprogram-simulate')

// What the platform itself answers while components render (Vant asks for the window size).
const PLATFORM = {
  getSystemInfoSync: () => ({ SDKVersion: '3.4.0', platform: 'devtools', windowWidth: 375, windowHeight: 667, pixelRatio: 2, fontSizeSetting: 16 }),
  getWindowInfo: () => ({ windowWidth: 375, windowHeight: 667, pixelRatio: 2, screenWidth: 375, screenHeight: 667, statusBarHeight: 20 }),
  getDeviceInfo: () => ({ platform: 'devtools' }),
  getAppBaseInfo: () => ({ SDKVersion: '3.4.0', fontSizeSetting: 16 }),
  canIUse: () => true,
  nextTick: (fn) => setTimeout(fn, 0),
}

let provided = {}
let violations = []

global.wx = new Proxy(
  {},
  {
    get(_, name) {
      if (typeof name !== 'string') return undefined
      if (Object.prototype.hasOwnProperty.call(provided, name)) return provided[name]
      if (Object.prototype.hasOwnProperty.call(PLATFORM, name)) return PLATFORM[name]
      return (...args) => {
        violations.push(`wx.${name}`)
        throw new Error(`wx.${name} was called, but the test did not provide it`)
      }
    },
  },
)

/** Record a failure the test must not pass with (used by the fake backend for unknown routes). */
global.wxViolation = (what) => violations.push(what)

/**
 * Pin the clock the client reads (Date) at an instant; timers keep running for real, so pages
 * and waitFor behave as usual. Undone after each test.
 */
global.pinClock = (iso) => {
  jest.useFakeTimers({ now: new Date(iso), doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback'] })
}

/** Provide wx functions for this test (merged into what it already provided). */
global.provideWx = (impl) => Object.assign(provided, impl)

// An error the framework logs (a handler that threw inside a tap) fails the test too.
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
  jest.useRealTimers()
  const called = violations
  violations = []
  if (called.length) throw new Error(`calls the test did not provide: ${[...new Set(called)].join(', ')}`)
})
