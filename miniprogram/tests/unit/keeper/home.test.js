const { render, waitFor, text, tap, settle } = require('../../support/page')
const { fakeBackend } = require('../../support/fake-backend')
const fx = require('../../support/keeper-fixtures')

test('my stations with what workers see now; each opens status, visits, ratings', async () => {
  const opened = []
  provideWx({ navigateTo: (o) => opened.push(o.url) })
  fakeBackend({ 'GET /keeper/stations': () => fx.kept([fx.station()]) })
  const page = render('keeper/pages/home/index')
  await page.instance.onShow()
  expect(text(page, '#kept-FC0001')).toContain('临园路驿站')
  expect(text(page, '#kept-FC0001')).toContain('饮水充足')
  await tap(page, '#status-FC0001')
  await tap(page, '#visits-FC0001')
  await tap(page, '#ratings-FC0001')
  await tap(page, '#bind')
  expect(opened).toEqual(['/keeper/pages/status/index?code=FC0001', '/keeper/pages/visits/index?code=FC0001', '/keeper/pages/ratings/index?code=FC0001', '/keeper/pages/bind/index'])
})

test('not yet a keeper: says how to become one', async () => {
  fakeBackend({ 'GET /keeper/stations': () => fx.kept([]) })
  const page = render('keeper/pages/home/index')
  await page.instance.onShow()
  expect(text(page, '#none')).toContain('绑定码')
})

test('a lost network shows a retry', async () => {
  const backend = fakeBackend({ 'GET /keeper/stations': () => fx.kept([fx.station()]) }, { online: false })
  const page = render('keeper/pages/home/index')
  await page.instance.onShow()
  expect(text(page, '#load-retry')).toContain('网络不通')
  backend.online = true
  await tap(page, '#load-retry >>> #retry-button')
  await waitFor(() => text(page, '#kept-FC0001'))
  await settle()
})
