// Loading pages and components from src/ with miniprogram-simulate, and waiting for them.
const path = require('path')
const simulate = require('miniprogram-simulate')

const SRC = path.resolve(__dirname, '../../src')
const ids = {}

/**
 * Render a page or component. Each is loaded once per test file, in its own module registry:
 * simulate runs a component's JS with require(), and jest's cache would otherwise run a
 * component shared by two pages (live-status, Vant's button) for the first page only.
 */
function render(rel, props) {
  if (!ids[rel]) jest.isolateModules(() => (ids[rel] = simulate.load(path.join(SRC, rel), { rootPath: SRC })))
  const comp = simulate.render(ids[rel], props)
  comp.attach(document.createElement('parent-wrapper'))
  return comp
}

/** Wait until `check` returns a truthy value (or throw with what it last saw). */
async function waitFor(check, { timeout = 5000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout
  for (;;) {
    const value = check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Let pending promises and timers run. */
async function settle(rounds = 5) {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0))
}

/** The text of the first node matching `selector`, or null. */
function text(comp, selector) {
  const node = comp.querySelector(selector)
  return node ? node.dom.textContent.trim() : null
}

/** Tap a node (for a Vant button, id on the host: the inner button); events arrive asynchronously. */
async function tap(comp, selector) {
  const inner = comp.querySelector(`${selector} >>> .van-button`)
  const node = inner || comp.querySelector(selector)
  if (!node) throw new Error(`nothing to tap at ${selector}`)
  node.dispatchEvent('tap')
  await settle(1)
}

module.exports = { render, waitFor, settle, text, tap, SRC }
