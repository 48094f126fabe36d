// A care activity through the real pages against the real backend (tests/test_miniprogram_e2e_activities.py):
// staff register an activity with a gift at a station; a worker claims it on the activity page
// (asked for the reminder) and gets a voucher QR; the station's keeper types the voucher and
// hands the gift out — once; the worker's page then shows it collected.
const { render, waitFor, text, tap } = require('../support/page')
const { staffLogin } = require('../support/staff')

const HERE = { lat: 31.4702, lng: 104.7213 }

test('claim → voucher → hand-out, once', async () => {
  const staff = await staffLogin()
  const station = await staff.newStation('活动驿站', HERE.lat, HERE.lng)
  const start = new Date(Date.now() - 60 * 1000) // under way: the keeper may hand out now
  const activity = await staff.post('/api/staff/v1/activities', {
    kind: 'cooling',
    title: '送清凉进驿站',
    stations: [station.code],
    starts_at: start.toISOString(),
    ends_at: new Date(start.getTime() + 2 * 3600 * 1000).toISOString(),
    gift: { name: '清凉包', stock: 5 },
  })
  const issued = await staff.post(`/api/staff/v1/stations/${station.code}/keeper-codes`)

  asPerson('o-e2e-activity-keeper')
  const bind = render('keeper/pages/bind/index')
  bind.instance.onCode({ detail: issued.code })
  await tap(bind, '#submit')
  await waitFor(() => text(bind, '#done') || text(bind, '#error'), { what: 'the binding' })

  asPerson('o-e2e-activity-worker')
  provideWx({ requestSubscribeMessage: (o) => o.success({ [o.tmplIds[0]]: 'accept' }) })
  const page = render('pages/activity/index')
  await page.instance.onLoad({ id: String(activity.id) })
  expect(text(page, '#title')).toBe('送清凉进驿站')
  expect(text(page, '#gift')).toContain('剩 5 份')
  await tap(page, '#claim')
  await waitFor(() => text(page, '#voucher-code') || text(page, '#message'), { what: 'the claim' })
  const voucher = text(page, '#voucher-code')
  expect(voucher).toMatch(/^[2-9A-Z]{10}$/)
  expect(page.querySelectorAll('.qr-cell.dark').length).toBeGreaterThan(50)

  asPerson('o-e2e-activity-keeper')
  const keeper = render('keeper/pages/activities/index')
  await keeper.instance.onLoad({ code: station.code })
  keeper.instance.onVoucher({ detail: voucher.toLowerCase() })
  await tap(keeper, '#hand-out')
  await waitFor(() => text(keeper, '#message'), { what: 'the hand-out' })
  expect(text(keeper, '#message')).toBe('已发放：清凉包（送清凉进驿站）')
  await waitFor(() => text(keeper, `#figures-${activity.id}`).includes('本站发放 1'), { what: 'the figures' })
  expect(text(keeper, `#visits-${activity.id}`)).toContain('同期服务人次 0')
  keeper.instance.onVoucher({ detail: voucher })
  await tap(keeper, '#hand-out')
  await waitFor(() => text(keeper, '#message') === '礼品已经发放过了', { what: 'the second hand-out refused' })

  asPerson('o-e2e-activity-worker')
  const again = render('pages/activity/index')
  await again.instance.onLoad({ id: String(activity.id) })
  expect(text(again, '#claim-status')).toBe('已领取')
})
