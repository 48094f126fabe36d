const { render, waitFor, text, tap } = require('../support/page')
const { fakeBackend, reply } = require('../support/fake-backend')

const TEMPLATE = 'tmpl-activity-reminder'

function activity(overrides = {}) {
  return {
    id: 7, kind: 'cooling', kind_name: '送清凉', title: '送清凉进站点', description: null,
    starts_at: '2026-07-01T01:00:00Z', ends_at: '2026-07-01T05:00:00Z', host_unit: null, worker_group_names: ['环卫工人'],
    whole_district: false, stations: [{ code: 'FC0001', name: '临园路驿站' }], gift_name: '清凉包', gift_left: 12,
    station_code: null, distance_m: null, my_claim: null, reminder_template_id: TEMPLATE, ...overrides,
  }
}

function claim(overrides = {}) {
  return {
    id: 31, activity_id: 7, activity_title: '送清凉进站点', starts_at: '2026-07-01T01:00:00Z', ends_at: '2026-07-01T05:00:00Z',
    gift_name: '清凉包', voucher: 'K7M2Q9PX3A', status: 'claimed', claimed_at: '2026-06-30T02:00:00Z', collected_at: null,
    collected_station: null, reminder: true, voucher_qr: ['1010', '0101'], ...overrides,
  }
}

test('shows the activity in China time, claims with the reminder the worker accepted, and shows the voucher as a QR', async () => {
  const posted = []
  fakeBackend({
    'GET /activities/7': () => activity(),
    'POST /activities/7/claims': (req) => {
      posted.push(req.data)
      return reply(201, claim())
    },
  })
  provideWx({ requestSubscribeMessage: (o) => o.success({ [TEMPLATE]: 'accept' }) })
  const page = render('pages/activity/index')
  await page.instance.onLoad({ id: '7' })
  expect(text(page, '#when')).toBe('7月1日 09:00 至 7月1日 13:00')
  expect(text(page, '#gift')).toContain('剩 12 份')
  await tap(page, '#claim')
  await waitFor(() => text(page, '#voucher-code'))
  expect(posted).toEqual([{ remind: true }])
  expect(text(page, '#voucher-code')).toBe('K7M2Q9PX3A')
  expect(page.querySelectorAll('.qr-cell.dark').length).toBe(4)
  expect(text(page, '#message')).toContain('开始前会提醒您')
})

test('a declined reminder still claims, without one; out of stock says so', async () => {
  const posted = []
  fakeBackend({
    'GET /activities/7': () => activity(),
    'POST /activities/7/claims': (req) => {
      posted.push(req.data)
      return reply(409, { error: { code: 'gift_out_of_stock', message: '礼品已领完' } })
    },
  })
  provideWx({ requestSubscribeMessage: (o) => o.success({ [TEMPLATE]: 'reject' }) })
  const page = render('pages/activity/index')
  await page.instance.onLoad({ id: '7' })
  await tap(page, '#claim')
  await waitFor(() => text(page, '#message'))
  expect(posted).toEqual([{ remind: false }])
  expect(text(page, '#message')).toBe('礼品已经领完了')
})

test('a claimed voucher can be cancelled before it is handed out', async () => {
  fakeBackend({
    'GET /activities/7': () => activity({ my_claim: { id: 31, status: 'claimed' } }),
    'GET /me/claims/31': () => claim(),
    'POST /me/claims/31/cancel': () => claim({ status: 'cancelled' }),
  })
  const page = render('pages/activity/index')
  await page.instance.onLoad({ id: '7' })
  expect(text(page, '#voucher-code')).toBe('K7M2Q9PX3A')
  await tap(page, '#cancel')
  await waitFor(() => text(page, '#message'))
  expect(text(page, '#message')).toContain('已取消')
})

test('the station page lists its upcoming activities, each opening the activity page', async () => {
  const fx = require('../support/fixtures')
  const opened = []
  fakeBackend({ 'GET /stations/FC0001': () => fx.station({ activities: [activity()] }) })
  provideWx({ setNavigationBarTitle: () => {}, onNeedPrivacyAuthorization: () => {}, navigateTo: (o) => opened.push(o.url) })
  const page = render('pages/station/index')
  await page.instance.onLoad({ code: 'FC0001' })
  expect(text(page, '#activity-7')).toContain('送清凉 · 送清凉进站点（清凉包，剩 12 份）')
  await tap(page, '#activity-7')
  expect(opened).toEqual(['/pages/activity/index?id=7'])
})
