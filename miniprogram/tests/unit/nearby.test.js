const { render, waitFor, text, tap, settle } = require('../support/page')
const { fakeBackend } = require('../support/fake-backend')
const fx = require('../support/fixtures')

function near(code, name, distance_m, over = {}) {
  return { ...fx.station({ code, name, ...over }), distance_m }
}
const PAGE = (items) => ({ items, page: 1, per_page: 20, total: items.length, pages: 1, radius_m: 3000 })

function platform({ consent = true } = {}) {
  const opened = []
  provideWx({
    onNeedPrivacyAuthorization: () => {},
    requirePrivacyAuthorize: (o) => setTimeout(() => (consent ? o.success() : o.fail({})), 0),
    getLocation: (o) => setTimeout(() => o.success({ latitude: 31.45, longitude: 104.74 }), 0),
    navigateTo: (o) => opened.push(o.url),
    openLocation: (o) => opened.push(o),
  })
  return opened
}

test('lists nearby stations nearest first with distance, open now and status with its age; markers on the map', async () => {
  platform()
  const backend = fakeBackend({ 'GET /stations/nearby': () => PAGE([near('FC0001', '临园路驿站', 230), near('FC0002', '城南驿站', 1520, { open_now: false })]) })
  const page = render('pages/nearby/index')
  await page.instance.onLoad()
  const first = text(page, '#station-FC0001')
  expect(first).toContain('临园路驿站')
  expect(first).toContain('230 米')
  expect(first).toContain('开放')
  expect(first).toContain('饮水充足（10 分钟前）')
  expect(text(page, '#station-FC0002')).toContain('1.5 公里')
  expect(text(page, '#station-FC0002')).toContain('不开放')
  expect(page.data.markers.map((m) => [m.id, m.title])).toEqual([[0, '临园路驿站'], [1, '城南驿站']])
  const q = backend.named('GET', '/stations/nearby')[0].query
  expect([q.get('lat'), q.get('lng'), q.get('need'), q.get('open_now')]).toEqual(['31.45', '104.74', null, null])
})

test('filters: water, toilet, rest and open now go to the backend', async () => {
  platform()
  const backend = fakeBackend({ 'GET /stations/nearby': () => PAGE([]) })
  const page = render('pages/nearby/index')
  await page.instance.onLoad()
  await tap(page, '#filter-water')
  await tap(page, '#filter-rest')
  await tap(page, '#filter-open_now')
  await waitFor(() => backend.named('GET', '/stations/nearby').length === 4)
  await settle()
  const q = backend.named('GET', '/stations/nearby')[3].query
  expect(q.getAll('need')).toEqual(['water', 'rest'])
  expect(q.get('open_now')).toBe('true')
  expect(text(page, '#empty')).toContain('附近没有符合条件的驿站')
})

test('a station opens its page; 导航 opens the map at it; a marker opens its page', async () => {
  const opened = platform()
  fakeBackend({ 'GET /stations/nearby': () => PAGE([near('FC0001', '临园路驿站', 230)]) })
  const page = render('pages/nearby/index')
  await page.instance.onLoad()
  await tap(page, '#station-FC0001 .item-main')
  await tap(page, '#nav-FC0001')
  page.instance.onMarkerTap({ detail: { markerId: 0 } })
  expect(opened[0]).toBe('/pages/station/index?code=FC0001')
  expect(opened[1]).toMatchObject({ latitude: 31.4567, longitude: 104.7462, name: '临园路驿站' })
  expect(opened[2]).toBe('/pages/station/index?code=FC0001')
})

test('without location consent it asks, and finds nothing until given', async () => {
  platform({ consent: false })
  fakeBackend({})
  const page = render('pages/nearby/index')
  await page.instance.onLoad()
  expect(text(page, '#need-location')).toContain('需要用您的位置')
})

test('a lost network shows a retry', async () => {
  platform()
  const backend = fakeBackend({ 'GET /stations/nearby': () => PAGE([near('FC0001', '临园路驿站', 230)]) }, { online: false })
  const page = render('pages/nearby/index')
  await page.instance.onLoad()
  expect(text(page, '#load-retry')).toContain('网络不通')
  backend.online = true
  await tap(page, '#load-retry >>> #retry-button')
  await waitFor(() => text(page, '#station-FC0001'))
})

test('扫码 opens the scanned sign; something else says so', async () => {
  const opened = platform()
  const answers = [{ result: 'http://127.0.0.1/s/FC0001?k=1.abcdefghijkl' }, { result: '随便什么' }]
  const toasts = []
  provideWx({ scanCode: (o) => setTimeout(() => o.success(answers.shift()), 0), showToast: (o) => toasts.push(o.title) })
  fakeBackend({ 'GET /stations/nearby': () => PAGE([]) })
  const page = render('pages/nearby/index')
  await page.instance.onLoad()
  await tap(page, '#scan')
  await settle()
  await tap(page, '#scan')
  await settle()
  expect(opened).toEqual([`/pages/station/index?q=${encodeURIComponent('http://127.0.0.1/s/FC0001?k=1.abcdefghijkl')}`])
  expect(toasts).toEqual(['这不是驿站的标牌'])
})
