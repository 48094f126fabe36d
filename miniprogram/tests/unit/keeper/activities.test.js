const { render, waitFor, text, tap } = require('../../support/page')
const { fakeBackend, reply } = require('../../support/fake-backend')

function item(overrides = {}) {
  return {
    id: 7, kind_name: '送清凉', title: '送清凉进站点', starts_at: '2026-07-01T01:00:00Z', ends_at: '2026-07-01T05:00:00Z',
    status: 'active', gift_name: '清凉包', gift_left: 10, collected: 2, recorded: 3, people_reached: 5, visits: 40, ...overrides,
  }
}

test('activity figures beside the visits, never added; a scanned voucher is handed out', async () => {
  const posted = []
  fakeBackend({
    'GET /keeper/stations/FC0001/activities': () => ({ items: [item()] }),
    'POST /keeper/stations/FC0001/handouts': (req) => {
      posted.push(req.data)
      return reply(201, { id: 31, voucher: 'K7M2Q9PX3A', status: 'collected', activity_title: '送清凉进站点', gift_name: '清凉包', collected_at: '2026-07-01T02:00:00Z' })
    },
  })
  provideWx({ scanCode: (o) => o.success({ result: 'K7M2Q9PX3A' }) })
  const page = render('keeper/pages/activities/index')
  await page.instance.onLoad({ code: 'FC0001' })
  expect(text(page, '#figures-7')).toBe('本站发放 2 · 现场登记 3 · 惠及 5 人')
  expect(text(page, '#visits-7')).toContain('同期服务人次 40')
  await tap(page, '#scan')
  await waitFor(() => text(page, '#message'))
  expect(posted).toEqual([{ voucher: 'K7M2Q9PX3A' }])
  expect(text(page, '#message')).toBe('已发放：清凉包（送清凉进站点）')
})

test.each([
  ['claim_already_collected', 409, '已经发放过了'],
  ['voucher_wrong_station', 403, '不是本站活动的'],
  ['activity_ended', 409, '已结束'],
])('a refused voucher (%s) says so plainly', async (code, status, phrase) => {
  fakeBackend({
    'GET /keeper/stations/FC0001/activities': () => ({ items: [item()] }),
    'POST /keeper/stations/FC0001/handouts': () => reply(status, { error: { code, message: 'x' } }),
  })
  const page = render('keeper/pages/activities/index')
  await page.instance.onLoad({ code: 'FC0001' })
  page.instance.onVoucher({ detail: 'K7M2Q9PX3A' })
  await tap(page, '#hand-out')
  await waitFor(() => text(page, '#message'))
  expect(text(page, '#message')).toContain(phrase)
})

test('records people without a phone as a count', async () => {
  const posted = []
  fakeBackend({
    'GET /keeper/stations/FC0001/activities': () => ({ items: [item()] }),
    'POST /keeper/stations/FC0001/activities/7/counts': (req) => {
      posted.push(req.data)
      return reply(201, { id: 5, count: 4, effective_count: 4, note: null, recorded_at: '2026-07-01T02:00:00Z', corrections: [] })
    },
  })
  const page = render('keeper/pages/activities/index')
  await page.instance.onLoad({ code: 'FC0001' })
  page.instance.onCount({ currentTarget: { dataset: { id: 7 } }, detail: 4 })
  await tap(page, '#record-7')
  await waitFor(() => text(page, '#message'))
  expect(posted).toEqual([{ count: 4 }])
  expect(text(page, '#message')).toBe('已登记 4 人')
})
