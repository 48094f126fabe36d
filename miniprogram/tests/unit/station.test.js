const { render, waitFor, text, tap, settle } = require('../support/page')
const { fakeBackend, reply } = require('../support/fake-backend')
const fx = require('../support/fixtures')

const SIGN_URL = 'http://127.0.0.1/s/FC0001?k=1.abcdefghijkl'
const Q = encodeURIComponent(SIGN_URL)

function platform({ consent = true, location = { latitude: 31.4568, longitude: 104.7462 } } = {}) {
  const seen = { getLocation: [], privacy: 0 }
  provideWx({
    setNavigationBarTitle: () => {},
    onNeedPrivacyAuthorization: () => {},
    requirePrivacyAuthorize: (o) => {
      seen.privacy += 1
      setTimeout(() => (consent ? o.success() : o.fail({ errMsg: 'requirePrivacyAuthorize:fail privacy permission is not authorized' })), 0)
    },
    getLocation: (o) => {
      seen.getLocation.push(o)
      setTimeout(() => (location ? o.success(location) : o.fail({ errMsg: 'getLocation:fail auth deny' })), 0)
    },
  })
  return seen
}

async function opened(routes, query = { q: Q, scancode_time: '1764748800' }) {
  const backend = fakeBackend(routes)
  const page = render('pages/station/index')
  await page.instance.onLoad(query)
  return { backend, page }
}

test('opened from a sign: signs in silently, shows the station and one big 签到 button', async () => {
  platform()
  const { backend, page } = await opened({ 'GET /scan': () => fx.scanned() })
  expect(text(page, '#station-name')).toBe('临园路驿站')
  expect(text(page, '#open-now')).toBe('现在开放')
  expect(text(page, '#hours')).toContain('每天 08:00–18:00')
  expect(text(page, '#amenities')).toContain('饮用水、厕所')
  expect(text(page, '#visits-today')).toContain('6 人次')
  expect(text(page, '#rating')).toContain('4.5 分（8 人评价）')
  expect(text(page, '#live >>> #live-water')).toContain('饮水充足')
  expect(text(page, '#live >>> #live-water')).toContain('10 分钟前')
  expect(text(page, '#live >>> #live-rest')).toContain('空座位 3 个')
  expect(page.querySelector('#checkin')).toBeTruthy()
  // the sign's q went to the backend as received (URL-encoded once), with the token from wx.login
  const scan = backend.named('GET', '/scan')[0]
  expect(scan.query.get('q')).toBe(Q)
  expect(scan.header.Authorization).toBe('Bearer token-1')
  expect(backend.named('POST', '/session')[0].data).toEqual({ code: 'code-1' })
})

test('check-in sends the gcj02 location after the privacy consent, shows counted, then the rating form', async () => {
  const seen = platform()
  const { backend, page } = await opened({
    'GET /scan': () => fx.scanned(),
    'POST /checkins': () => reply(201, fx.checkin()),
    'GET /rating-tags': () => fx.TAGS,
    'GET /stations/FC0001': () => fx.station({ visits_today: { date: '2026-12-03', scan: 5, manual: 2, total: 7 } }),
  })
  await tap(page, '#service-water')
  await tap(page, '#checkin')
  await waitFor(() => text(page, '#outcome'), { what: 'the outcome' })
  expect(text(page, '#outcome')).toContain('签到成功')
  expect(seen.privacy).toBe(1)
  expect(seen.getLocation[0].type).toBe('gcj02')
  const sent = backend.named('POST', '/checkins')[0]
  expect(sent.data).toEqual({ scan: Q, services: ['water'], location: { lat: 31.4568, lng: 104.7462, datum: 'gcj02' } })
  expect(sent.header['Idempotency-Key']).toMatch(/^mp-/)
  await waitFor(() => text(page, '#visits-today').includes('7 人次'), { what: 'refreshed visits' })
  expect(page.querySelector('#rating-form')).toBeTruthy()
  expect(page.querySelector('#checkin')).toBeFalsy()
  expect(text(page, '#rating-form >>> #tag-clean')).toBe('干净整洁')
})

test('without privacy consent the check-in goes unlocated and says so', async () => {
  const seen = platform({ consent: false })
  const { backend, page } = await opened({
    'GET /scan': () => fx.scanned(),
    'POST /checkins': () => reply(201, fx.checkin({ located: false, distance_m: null })),
    'GET /rating-tags': () => fx.TAGS,
    'GET /stations/FC0001': () => fx.station(),
  })
  await tap(page, '#checkin')
  await waitFor(() => text(page, '#outcome'))
  expect(seen.getLocation).toHaveLength(0)
  expect(backend.named('POST', '/checkins')[0].data.location).toBeNull()
  expect(text(page, '#outcome')).toContain('没有带位置')
  await settle()
})

test('without the location consent on our notice the check-in goes through unlocated, and says where to consent', async () => {
  platform()
  let calls = 0
  const { backend, page } = await opened({
    'GET /scan': () => fx.scanned(),
    'POST /checkins': (req) =>
      ++calls === 1
        ? reply(403, { error: { code: 'privacy_consent_required', message: '请先同意', details: { feature: 'location' } } })
        : reply(201, fx.checkin({ located: false, distance_m: null })),
    'GET /rating-tags': () => fx.TAGS,
    'GET /stations/FC0001': () => fx.station(),
  })
  await tap(page, '#checkin')
  await waitFor(() => text(page, '#outcome'))
  const [first, second] = backend.named('POST', '/checkins')
  expect(first.data.location).toBeTruthy()
  expect(second.data.location).toBeNull()
  expect(second.header['Idempotency-Key']).not.toBe(first.header['Idempotency-Key'])
  expect(text(page, '#outcome')).toContain('签到成功')
  expect(text(page, '#outcome')).toContain('隐私保护指引与授权')
  await settle()
})

test('a second scan in the window says already counted, not an error', async () => {
  platform()
  const { page } = await opened({
    'GET /scan': () => fx.scanned(),
    'POST /checkins': () => reply(200, fx.checkin({ deduplicated: true })),
    'GET /rating-tags': () => fx.TAGS,
    'GET /stations/FC0001': () => fx.station(),
  })
  await tap(page, '#checkin')
  await waitFor(() => text(page, '#outcome'))
  expect(text(page, '#outcome')).toContain('已经签过到了')
  expect(page.querySelector('.outcome-dup')).toBeTruthy()
  await settle()
})

test('a double tap sends one check-in', async () => {
  platform()
  const { backend, page } = await opened({
    'GET /scan': () => fx.scanned(),
    'POST /checkins': () => reply(201, fx.checkin()),
    'GET /rating-tags': () => fx.TAGS,
    'GET /stations/FC0001': () => fx.station(),
  })
  const twice = [tap(page, '#checkin'), tap(page, '#checkin')]
  await Promise.all(twice)
  await waitFor(() => text(page, '#outcome'))
  await settle()
  expect(backend.named('POST', '/checkins')).toHaveLength(1)
})

const REFUSALS = [
  ['too far, with the distance', fx.apiError(403, 'too_far', '您距离该站点约 850 米，需在 300 米内签到', { distance_m: 850, limit_m: 300 }), ['离站点太远', '约 850 米', '300 米以内']],
  ['closed for now, with the reason', fx.apiError(409, 'station_closed_temporarily', '该站点临时关闭（停水检修），暂不能签到'), ['站点临时关闭', '停水检修']],
  ['not open now, with the hours', fx.apiError(409, 'station_not_open', '该站点现在不开放（开放时间：每天 08:00–18:00）'), ['现在不开放', '08:00–18:00']],
  ['not yet in service', fx.apiError(409, 'station_not_in_service', '该站点尚未建成投入使用，暂不能签到'), ['还没建好']],
  ['an old sign', fx.apiError(410, 'sign_outdated', '该标牌已更换'), ['旧标牌']],
  ['too many tries, with the wait', fx.apiError(429, 'rate_limited', '请求过于频繁，请稍后再试', null, { 'Retry-After': '120' }), ['太频繁', '2 分钟后']],
]

test.each(REFUSALS)('a refused check-in is shown plainly: %s', async (_, answer, phrases) => {
  platform()
  const { page } = await opened({ 'GET /scan': () => fx.scanned(), 'POST /checkins': () => answer })
  await tap(page, '#checkin')
  await waitFor(() => text(page, '#outcome'))
  for (const phrase of phrases) expect(text(page, '#outcome')).toContain(phrase)
  expect(page.querySelector('#rating-form')).toBeFalsy()
})

test('a forged sign is refused on screen, with no 签到 button', async () => {
  platform()
  const { page } = await opened({ 'GET /scan': () => fx.apiError(404, 'scan_invalid', '无法识别该二维码') })
  expect(text(page, '#refused')).toContain('不是驿站的标牌')
  expect(page.querySelector('#checkin')).toBeFalsy()
})

test('a lost network shows a retry, and 重试 loads the station', async () => {
  platform()
  const backend = fakeBackend({ 'GET /scan': () => fx.scanned() }, { online: false })
  const page = render('pages/station/index')
  await page.instance.onLoad({ q: Q })
  expect(text(page, '#load-retry')).toContain('网络不通')
  backend.online = true
  await tap(page, '#load-retry >>> #retry-button')
  await waitFor(() => text(page, '#station-name'))
  expect(text(page, '#station-name')).toBe('临园路驿站')
})

test('a lost answer to a check-in is retried with the same Idempotency-Key', async () => {
  platform()
  let first = true
  const { backend, page } = await opened({
    'GET /scan': () => fx.scanned(),
    'POST /checkins': () => reply(201, fx.checkin()),
    'GET /rating-tags': () => fx.TAGS,
    'GET /stations/FC0001': () => fx.station(),
  })
  const request = wx.request
  provideWx({
    request(opts) {
      if (first && opts.method === 'POST') {
        first = false
        backend.calls.push({ method: 'POST', path: '/checkins', header: opts.header, data: opts.data, query: new URLSearchParams() })
        return setTimeout(() => opts.fail({ errMsg: 'request:fail timeout' }), 0)
      }
      return request(opts)
    },
  })
  await tap(page, '#checkin')
  await waitFor(() => text(page, '#outcome'))
  expect(text(page, '#outcome')).toContain('网络不通')
  await tap(page, '#checkin')
  await waitFor(() => text(page, '#outcome') && text(page, '#outcome').includes('签到成功'))
  const keys = backend.named('POST', '/checkins').map((c) => c.header['Idempotency-Key'])
  expect(keys).toHaveLength(2)
  expect(keys[0]).toBe(keys[1])
  await settle()
})

test('an expired token is renewed once, silently', async () => {
  platform()
  let scans = 0
  const backend = fakeBackend({
    'GET /scan': (req) => {
      scans += 1
      return req.header.Authorization === 'Bearer token-1' ? fx.scanned() : fx.apiError(401, 'unauthorized', '请先登录')
    },
  })
  backend.storage.set('yizhan.token', 'token-old')
  const page = render('pages/station/index')
  await page.instance.onLoad({ q: Q })
  expect(text(page, '#station-name')).toBe('临园路驿站')
  expect(scans).toBe(2)
  expect(backend.storage.get('yizhan.token')).toBe('token-1')
})

test('opened from a mini-program code: the scene goes to the backend decoded', async () => {
  platform()
  const { backend, page } = await opened({ 'GET /scan': () => fx.scanned() }, { scene: encodeURIComponent('FC0001.1.abcdefghijkl') })
  expect(backend.named('GET', '/scan')[0].query.get('scene')).toBe('FC0001.1.abcdefghijkl')
  expect(page.querySelector('#checkin')).toBeTruthy()
})

test('opened from the list: no 签到 button; 扫标牌 opens the scanned sign; 导航 opens the map', async () => {
  platform()
  const opened_ = []
  provideWx({
    scanCode: (o) => setTimeout(() => o.success({ result: SIGN_URL, scanType: 'QR_CODE' }), 0),
    redirectTo: (o) => opened_.push(o.url),
    openLocation: (o) => opened_.push(o),
  })
  const { page } = await opened({ 'GET /stations/FC0001': () => fx.station() }, { code: 'FC0001' })
  expect(page.querySelector('#checkin')).toBeFalsy()
  expect(text(page, '#scan-hint')).toContain('扫门口的标牌')
  await tap(page, '#scan')
  await settle()
  expect(opened_[0]).toBe(`/pages/station/index?q=${Q}`)
  await tap(page, '#navigate')
  expect(opened_[1]).toMatchObject({ latitude: 31.4567, longitude: 104.7462, name: '临园路驿站' })
})
