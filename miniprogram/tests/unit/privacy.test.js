const { render, text, tap, waitFor } = require('../support/page')
const { fakeBackend, reply } = require('../support/fake-backend')

const notice = (version = 1) => ({
  version,
  title: '驿站小程序用户隐私保护指引',
  published_at: '2026-12-01T00:00:00Z',
  sections: [
    { heading: '我们收集哪些信息', text: '签到的时间、站点与所选服务；只保存您与驿站的距离，不保存经纬度。' },
    { heading: '保存多久', text: '签到与您本人的关联在超过 400 天后解除。' },
  ],
  features: [
    { code: 'location', name: '位置' },
    { code: 'photos', name: '照片' },
  ],
})
const NOT_ANSWERED = { notice_version: 1, needs_consent: true, granted: { location: null, photos: null } }

test('shows the served notice, its version, and records the worker’s choice with that version', async () => {
  const toasts = []
  provideWx({ showToast: (o) => toasts.push(o.title), openPrivacyContract: jest.fn() })
  const backend = fakeBackend({
    'GET /privacy/notice': () => notice(),
    'GET /me/consent': () => NOT_ANSWERED,
    'PUT /me/consent': (req) => ({ notice_version: 1, needs_consent: false, granted: { location: '2026-12-03T00:00:00Z', photos: null, ...{} } }),
  })
  const page = render('pages/privacy/index')
  await page.instance.onLoad()
  expect(text(page, '#title')).toBe('驿站小程序用户隐私保护指引')
  expect(text(page, '#version')).toContain('第 1 版')
  expect(text(page, '#ask')).toContain('不同意也能签到')
  expect(page.dom.textContent).toContain('不保存经纬度')
  expect(text(page, '#feature-location')).toContain('同意')
  await tap(page, '#feature-photos') // the worker declines photos
  expect(text(page, '#feature-photos')).toContain('不同意')
  await tap(page, '#agree')
  await waitFor(() => toasts.length)
  expect(backend.named('PUT', '/me/consent')[0].data).toEqual({ notice_version: 1, features: ['location'] })
  expect(page.querySelector('#ask')).toBeFalsy()
  expect(toasts).toEqual(['已保存'])
  await tap(page, '#contract')
  expect(wx.openPrivacyContract).toHaveBeenCalled()
})

test('refusing everything is an answer', async () => {
  provideWx({ showToast: jest.fn() })
  const backend = fakeBackend({
    'GET /privacy/notice': () => notice(),
    'GET /me/consent': () => NOT_ANSWERED,
    'PUT /me/consent': () => ({ notice_version: 1, needs_consent: false, granted: { location: null, photos: null } }),
  })
  const page = render('pages/privacy/index')
  await page.instance.onLoad()
  await tap(page, '#refuse')
  await waitFor(() => backend.named('PUT', '/me/consent').length)
  expect(backend.named('PUT', '/me/consent')[0].data).toEqual({ notice_version: 1, features: [] })
})

test('a worker who answered sees what they granted; a newer notice on saving is shown instead', async () => {
  provideWx({ showToast: jest.fn() })
  let version = 1
  fakeBackend({
    'GET /privacy/notice': () => notice(version),
    'GET /me/consent': () => ({ notice_version: version, needs_consent: version > 1, granted: { location: '2026-12-01T00:00:00Z', photos: null } }),
    'PUT /me/consent': () => reply(409, { error: { code: 'privacy_notice_outdated', message: '隐私保护指引已更新，请阅读最新版本后再同意' } }),
  })
  const page = render('pages/privacy/index')
  await page.instance.onLoad()
  expect(page.querySelector('#ask')).toBeFalsy()
  expect(text(page, '#feature-location')).toContain('同意')
  expect(text(page, '#feature-photos')).toContain('不同意')
  version = 2 // published meanwhile
  await tap(page, '#agree')
  await waitFor(() => text(page, '#version').includes('第 2 版'))
  expect(text(page, '#ask')).toContain('请阅读')
})

test('a lost network shows a retry', async () => {
  const backend = fakeBackend({ 'GET /privacy/notice': () => notice(), 'GET /me/consent': () => NOT_ANSWERED }, { online: false })
  const page = render('pages/privacy/index')
  await page.instance.onLoad()
  expect(text(page, '#load-retry')).toContain('网络不通')
  backend.online = true
  await tap(page, '#load-retry >>> #retry-button')
  await waitFor(() => text(page, '#title'))
})
