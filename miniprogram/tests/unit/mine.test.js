const { render, waitFor, text, tap, settle } = require('../support/page')
const { fakeBackend } = require('../support/fake-backend')

const visits = (n, page = 1, pages = 1) => ({
  items: Array.from({ length: n }, (_, i) => ({ id: page * 100 + i, station: { code: 'FC0001', name: `驿站${page}-${i}` }, source: 'scan', checked_in_at: '2026-12-03T06:05:00Z', services: [], located: true, distance_m: 10 })),
  page,
  per_page: 20,
  total: n * pages,
  pages,
})

test('my visits (China time), my worker group, and more on request', async () => {
  fakeBackend({
    'GET /me': () => ({ id: 1, worker_group: 'courier', created_at: '2026-12-01T00:00:00Z' }),
    'GET /me/checkins': (req) => (req.query.get('page') === '1' ? visits(2, 1, 2) : visits(1, 2, 2)),
  })
  const page = render('pages/mine/index')
  await page.instance.onShow()
  expect(text(page, '#group')).toContain('快递员')
  expect(text(page, '#visit-100')).toContain('驿站1-0')
  expect(text(page, '#visit-100')).toContain('12月3日 14:05')
  await tap(page, '#more')
  await waitFor(() => text(page, '#visit-200'))
  expect(page.querySelector('#more')).toBeFalsy()
})

test('choosing a worker group saves it', async () => {
  const toasts = []
  provideWx({ showToast: (o) => toasts.push(o.title) })
  const backend = fakeBackend({
    'GET /me': () => ({ id: 1, worker_group: null, created_at: '2026-12-01T00:00:00Z' }),
    'GET /me/checkins': () => visits(0),
    'PUT /me': (req) => ({ id: 1, worker_group: req.data.worker_group, created_at: '2026-12-01T00:00:00Z' }),
  })
  const page = render('pages/mine/index')
  await page.instance.onShow()
  expect(text(page, '#group')).toContain('不说')
  expect(text(page, '#no-visits')).toContain('还没有签到过')
  await page.instance.onGroup({ detail: { value: '1' } })
  expect(backend.named('PUT', '/me')[0].data).toEqual({ worker_group: 'sanitation' })
  expect(text(page, '#group')).toContain('环卫工人')
  expect(toasts).toEqual(['已保存'])
})

test('the privacy notice and the keepers’ pages are one tap away', async () => {
  const opened = []
  provideWx({ navigateTo: (o) => opened.push(o.url) })
  fakeBackend({ 'GET /me': () => ({ id: 1, worker_group: null }), 'GET /me/checkins': () => visits(0) })
  const page = render('pages/mine/index')
  await page.instance.onShow()
  await tap(page, '#privacy >>> .van-cell')
  await tap(page, '#my-data >>> .van-cell')
  await tap(page, '#close-account >>> .van-cell')
  await tap(page, '#keeper >>> .van-cell')
  await settle()
  expect(opened).toEqual(['/pages/privacy/index', '/pages/my-data/index', '/pages/close-account/index', '/keeper/pages/home/index'])
})

test('a lost network shows a retry', async () => {
  const backend = fakeBackend({ 'GET /me': () => ({ id: 1, worker_group: null }), 'GET /me/checkins': () => visits(0) }, { online: false })
  const page = render('pages/mine/index')
  await page.instance.onShow()
  expect(text(page, '#load-retry')).toContain('网络不通')
  backend.online = true
  await tap(page, '#load-retry >>> #retry-button')
  await waitFor(() => text(page, '#no-visits'))
})
