const { render, waitFor, text, tap } = require('../../support/page')
const { fakeBackend } = require('../../support/fake-backend')
const { apiError } = require('../../support/fixtures')

const ticket = (extra = {}) => ({
  id: 7, station: { code: 'FC0001', name: '临园路驿站' }, kind: 'no_water', kind_name: '没有饮用水', status: 'open', status_name: '待处理',
  opened_at: '2026-12-03T08:00:00Z', deadline_at: '2026-12-04T08:00:00Z', overdue: true, reporters: 2, steps: [],
  reports: [{ id: 1, text: '饮水机没水', text_status: 'passed', created_at: '2026-12-03T08:00:00Z', photos: [] }], ...extra,
})

test('the keeper answers and marks a ticket fixed', async () => {
  let current = ticket()
  const backend = fakeBackend({
    'GET /keeper/tickets': () => [current],
    'POST /keeper/stations/FC0001/tickets/7/answer': () => current,
    'POST /keeper/stations/FC0001/tickets/7/fixed': () => (current = ticket({ status: 'fixed', status_name: '已整改待确认' })),
  })
  const page = render('keeper/pages/tickets/index')
  await page.instance.onShow()
  await waitFor(() => text(page, '#ticket-7'))
  expect(text(page, '#ticket-7')).toContain('饮水机没水')
  expect(text(page, '#ticket-7')).toContain('已超期')
  await tap(page, '#handle-7')
  page.instance.onNote({ detail: '已换水桶' })
  await tap(page, '#answer')
  await waitFor(() => backend.named('GET', '/keeper/tickets').length === 2)
  expect(backend.named('POST', '/keeper/stations/FC0001/tickets/7/answer').map((c) => c.data)).toEqual([{ note: '已换水桶' }])
  await tap(page, '#handle-7')
  await tap(page, '#fixed')
  await waitFor(() => text(page, '#ticket-7') && text(page, '#ticket-7').includes('已整改待确认'))
})

test('someone who keeps no station is told so', async () => {
  fakeBackend({ 'GET /keeper/tickets': () => apiError(403, 'not_a_keeper', 'x') })
  const page = render('keeper/pages/tickets/index')
  await page.instance.onShow()
  await waitFor(() => page.querySelector('#load-retry'))
  expect(page.instance.data.loadError).toContain('还不是')
})

test('supplies: expired and soon-expiring show so; adding asks once for the reminder', async () => {
  const items = [
    { id: 1, station_code: 'FC0001', name: '防晒霜', quantity: 1, expires_on: '2026-12-01', state: 'expired', days_left: -2 },
    { id: 2, station_code: 'FC0001', name: '藿香正气水', quantity: 10, expires_on: '2026-12-06', state: 'expiring', days_left: 3 },
  ]
  const backend = fakeBackend({
    'GET /keeper/stations/FC0001/supplies': () => items,
    'POST /keeper/stations/FC0001/supplies': (req) => ({ id: 3, station_code: 'FC0001', quantity: 1, state: 'ok', days_left: 300, ...req.data }),
    'DELETE /keeper/stations/FC0001/supplies/1': () => '',
  })
  provideWx({ requestSubscribeMessage: (opts) => opts.success({ 'tmpl-supply-expiry': 'accept' }) })
  const page = render('keeper/pages/supplies/index')
  await page.instance.onLoad({ code: 'FC0001' })
  await waitFor(() => text(page, '#supply-1'))
  expect(text(page, '#supply-1')).toContain('已过期')
  expect(text(page, '#supply-2')).toContain('3 天后过期')
  page.instance.onName({ detail: '急救包' })
  page.instance.onDate({ detail: { value: '2027-10-01' } })
  await tap(page, '#save')
  await waitFor(() => backend.named('GET', '/keeper/stations/FC0001/supplies').length === 2)
  expect(backend.named('POST', '/keeper/stations/FC0001/supplies').map((c) => c.data)).toEqual([{ name: '急救包', expires_on: '2027-10-01', remind: true }])
  await tap(page, '#remove-1')
  await waitFor(() => backend.named('DELETE', '/keeper/stations/FC0001/supplies/1').length === 1)
})
