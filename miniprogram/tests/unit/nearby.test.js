const { render, waitFor, text, tap, settle } = require('../support/page')
const { fakeBackend, reply } = require('../support/fake-backend')
const fx = require('../support/fixtures')

function near(code, name, distance_m, over = {}) {
  return { ...fx.station({ code, name, ...over }), distance_m }
}
const PAGE = (items) => ({ items, page: 1, per_page: 20, total: items.length, pages: 1, radius_m: 3000 })
const NO_ACTIVITIES = { 'GET /activities/nearby': () => ({ items: [], reminder_template_id: 'tmpl' }) }

function activity(over = {}) {
  return {
    id: 7, kind: 'cooling', kind_name: '送清凉', title: '送清凉进站点', description: null,
    starts_at: '2026-07-01T01:00:00Z', ends_at: '2026-07-01T05:00:00Z', host_unit: null, worker_group_names: [],
    whole_district: false, stations: [{ code: 'FC0002', name: '城南驿站' }, { code: 'FC0001', name: '临园路驿站' }],
    gift_name: '清凉包', gift_left: 12, station_code: 'FC0001', distance_m: 230, my_claim: null, ...over,
  }
}

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
  const backend = fakeBackend({ ...NO_ACTIVITIES, 'GET /stations/nearby': () => PAGE([near('FC0001', '临园路驿站', 230), near('FC0002', '城南驿站', 1520, { open_now: false })]) })
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
  const backend = fakeBackend({ ...NO_ACTIVITIES, 'GET /stations/nearby': () => PAGE([]) })
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
  fakeBackend({ ...NO_ACTIVITIES, 'GET /stations/nearby': () => PAGE([near('FC0001', '临园路驿站', 230)]) })
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
  const backend = fakeBackend({ ...NO_ACTIVITIES, 'GET /stations/nearby': () => PAGE([near('FC0001', '临园路驿站', 230)]) }, { online: false })
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
  fakeBackend({ ...NO_ACTIVITIES, 'GET /stations/nearby': () => PAGE([]) })
  const page = render('pages/nearby/index')
  await page.instance.onLoad()
  await tap(page, '#scan')
  await settle()
  await tap(page, '#scan')
  await settle()
  expect(opened).toEqual([`/pages/station/index?q=${encodeURIComponent('http://127.0.0.1/s/FC0001?k=1.abcdefghijkl')}`])
  expect(toasts).toEqual(['这不是驿站的标牌'])
})

test('upcoming care activities near here show under the list, asked at the same place, and open their page', async () => {
  const opened = platform()
  const backend = fakeBackend({
    'GET /stations/nearby': () => PAGE([near('FC0001', '临园路驿站', 230)]),
    'GET /activities/nearby': () => ({ items: [activity(), activity({ id: 8, title: '冬日暖心', kind_name: '送温暖', whole_district: true, stations: [], station_code: null, gift_name: null, gift_left: null })], reminder_template_id: 'tmpl' }),
  })
  const page = render('pages/nearby/index')
  await page.instance.onLoad()
  expect(text(page, '#activities')).toContain('附近的关爱活动')
  const first = text(page, '#activity-7')
  for (const part of ['送清凉进站点', '送清凉', '临园路驿站', '7月1日 09:00 至 7月1日 13:00', '清凉包剩 12 份']) expect(first).toContain(part)
  const second = text(page, '#activity-8')
  expect(second).toContain('全区')
  expect(second).not.toContain('剩')
  const q = backend.named('GET', '/activities/nearby')[0].query
  expect([q.get('lat'), q.get('lng')]).toEqual(['31.45', '104.74'])
  await tap(page, '#activity-8')
  expect(opened).toEqual(['/pages/activity/index?id=8'])
})

test('no activities nearby shows no section; a failed activities call leaves the stations and says one line', async () => {
  platform()
  fakeBackend({ ...NO_ACTIVITIES, 'GET /stations/nearby': () => PAGE([near('FC0001', '临园路驿站', 230)]) })
  const quiet = render('pages/nearby/index')
  await quiet.instance.onLoad()
  expect(quiet.querySelector('#activities')).toBeFalsy()
  fakeBackend({
    'GET /stations/nearby': () => PAGE([near('FC0001', '临园路驿站', 230)]),
    'GET /activities/nearby': () => reply(500, { error: { code: 'internal_error', message: '服务器内部错误' } }),
  })
  const page = render('pages/nearby/index')
  await page.instance.onLoad()
  expect(text(page, '#station-FC0001')).toContain('临园路驿站')
  expect(text(page, '#activities-error')).toBe('附近的关爱活动暂时没能加载')
})
