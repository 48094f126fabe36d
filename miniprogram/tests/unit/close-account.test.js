const { render, text, tap, waitFor } = require('../support/page')
const { fakeBackend } = require('../support/fake-backend')
const api = require('../../src/utils/api')

test('closing asks first, then closes the account and forgets the token', async () => {
  const answers = [false, true]
  provideWx({ showModal: (o) => o.success({ confirm: answers.shift() }) })
  const backend = fakeBackend({ 'DELETE /me': () => ({ closed: true }) })
  wx.setStorageSync(api.TOKEN_KEY, 'token-1')
  const page = render('pages/close-account/index')
  expect(page.dom.textContent).toContain('不能恢复')
  await tap(page, '#close') // "cancel"
  expect(backend.named('DELETE', '/me')).toEqual([])
  await tap(page, '#close') // "注销"
  await waitFor(() => text(page, '#closed'))
  expect(backend.named('DELETE', '/me')).toHaveLength(1)
  expect(text(page, '#closed')).toContain('账号已注销')
  expect(wx.getStorageSync(api.TOKEN_KEY)).toBeFalsy()
})

test('a failure says why and keeps the account', async () => {
  const toasts = []
  provideWx({ showModal: (o) => o.success({ confirm: true }), showToast: (o) => toasts.push(o.title) })
  fakeBackend({ 'DELETE /me': () => ({}) }, { online: false })
  const page = render('pages/close-account/index')
  await tap(page, '#close')
  await waitFor(() => toasts.length)
  expect(toasts[0]).toContain('网络不通')
  expect(page.querySelector('#closed')).toBeFalsy()
})
