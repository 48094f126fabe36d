const { render, waitFor, text, tap } = require('../../support/page')
const { fakeBackend, reply } = require('../../support/fake-backend')
const fx = require('../../support/keeper-fixtures')

const bound = { keeper_id: 3, bound_at: '2026-12-03T08:00:00Z', station: { code: 'FC0001', name: '临园路驿站', address: '临园路1号', district: { code: 'FC', name: '涪城区' } } }

test('binds with the code staff issued, once for a double tap', async () => {
  const backend = fakeBackend({ 'POST /keeper/bind': () => reply(201, bound) })
  const page = render('keeper/pages/bind/index')
  page.instance.onCode({ detail: ' 7K4M-Q2PX ' })
  await Promise.all([tap(page, '#submit'), tap(page, '#submit')])
  await waitFor(() => text(page, '#done'))
  expect(text(page, '#done')).toContain('临园路驿站')
  expect(backend.named('POST', '/keeper/bind').map((c) => c.data)).toEqual([{ code: '7K4M-Q2PX' }])
  provideWx({ navigateBack: jest.fn() })
  await tap(page, '#back')
  expect(wx.navigateBack).toHaveBeenCalled()
})

test.each([
  ['keeper_code_invalid', 404, '绑定码不对'],
  ['keeper_code_used', 409, '已经用过了'],
  ['keeper_code_expired', 410, '已过期'],
])('a refused code (%s) says so plainly', async (code, status, phrase) => {
  fakeBackend({ 'POST /keeper/bind': () => fx.apiError(status, code, 'x') })
  const page = render('keeper/pages/bind/index')
  page.instance.onCode({ detail: 'AAAA2222' })
  await tap(page, '#submit')
  await waitFor(() => text(page, '#error'))
  expect(text(page, '#error')).toContain(phrase)
})

test('too many wrong codes: the wait', async () => {
  fakeBackend({ 'POST /keeper/bind': () => fx.apiError(429, 'rate_limited', 'x', null, { 'Retry-After': '600' }) })
  const page = render('keeper/pages/bind/index')
  page.instance.onCode({ detail: 'AAAA2222' })
  await tap(page, '#submit')
  await waitFor(() => text(page, '#error'))
  expect(text(page, '#error')).toBe('输错次数太多，请 10 分钟后再试')
})
