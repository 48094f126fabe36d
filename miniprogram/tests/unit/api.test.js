const api = require('../../src/utils/api')
const { fakeBackend } = require('../support/fake-backend')
const fx = require('../support/fixtures')

test('concurrent first calls share one sign-in', async () => {
  const backend = fakeBackend({ 'GET /me': () => ({ id: 1 }), 'GET /stations/FC0001': () => fx.station() })
  await Promise.all([api.me(), api.station('FC0001')])
  expect(backend.logins).toBe(1)
  expect(backend.named('POST', '/session')).toHaveLength(1)
  expect(backend.storage.get('yizhan.token')).toBe('token-1')
})

test('a 401 renews the token once; a second 401 is an error, not a loop', async () => {
  const backend = fakeBackend({ 'GET /me': () => fx.apiError(401, 'unauthorized', '请先登录') })
  backend.storage.set('yizhan.token', 'stale')
  await expect(api.me()).rejects.toMatchObject({ status: 401, code: 'unauthorized' })
  expect(backend.named('GET', '/me')).toHaveLength(2)
  expect(backend.logins).toBe(1)
})

test('a failed sign-in is an ApiError with the backend’s code', async () => {
  fakeBackend({ 'POST /session': () => fx.apiError(503, 'wechat_unavailable', '微信服务暂时不可用') })
  await expect(api.me()).rejects.toMatchObject({ status: 503, code: 'wechat_unavailable', message: '微信服务暂时不可用' })
})

test('identical requests in flight are sent once; different ones are not merged', async () => {
  const backend = fakeBackend({ 'POST /checkins': () => fx.checkin() })
  const body = { scan: 'x', services: [] }
  await Promise.all([api.checkIn(body, 'k1'), api.checkIn(body, 'k1'), api.checkIn(body, 'k2')])
  expect(backend.named('POST', '/checkins').map((c) => c.header['Idempotency-Key'])).toEqual(['k1', 'k2'])
})

test('a lost network is an ApiError marked network; a non-JSON error body still reads in Chinese', async () => {
  const backend = fakeBackend({ 'GET /me': () => ({ id: 1 }) }, { online: false })
  backend.storage.set('yizhan.token', 't')
  await expect(api.me()).rejects.toMatchObject({ network: true, code: 'network' })
  backend.online = true
  const { reply } = require('../support/fake-backend')
  fakeBackend({ 'GET /me': () => reply(502, '<html>Bad Gateway</html>') }).storage.set('yizhan.token', 't')
  await expect(api.me()).rejects.toMatchObject({ status: 502, code: 'http_502', message: '服务暂时不可用，请稍后再试' })
})

test('query strings: lists repeat the key, empty values are left out', async () => {
  const backend = fakeBackend({ 'GET /stations/nearby': () => ({ items: [], page: 1, per_page: 20, total: 0, pages: 0, radius_m: 3000 }) })
  await api.nearby({ lat: 31.5, lng: 104.7, need: ['water', 'toilet'], open_now: false })
  const q = backend.named('GET', '/stations/nearby')[0].query
  expect(q.toString()).toBe('lat=31.5&lng=104.7&need=water&need=toilet')
})
