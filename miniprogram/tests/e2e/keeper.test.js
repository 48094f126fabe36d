// A keeper's loop through the real pages against the real backend: bind with the code staff
// issued → post status → a worker's nearby list and station page show it; a walk-in shows in
// the keeper's today.
const { asConsentingPerson } = require('../support/privacy')
const { render, waitFor, text, tap } = require('../support/page')
const { staffLogin } = require('../support/staff')

const HERE = { lat: 31.5012, lng: 104.6801 }

test('keeper binds, posts status, workers see it; a walk-in shows in the keeper’s today', async () => {
  const staff = await staffLogin()
  const station = await staff.newStation('园艺山驿站', HERE.lat, HERE.lng)
  const issued = await staff.post(`/api/staff/v1/stations/${station.code}/keeper-codes`)

  asPerson('o-e2e-keeper')
  const bind = render('keeper/pages/bind/index')
  bind.instance.onCode({ detail: issued.code })
  await tap(bind, '#submit')
  await waitFor(() => text(bind, '#done') || text(bind, '#error'), { what: 'the binding' })
  expect(text(bind, '#done')).toContain('园艺山驿站')

  const home = render('keeper/pages/home/index')
  await home.instance.onShow()
  expect(text(home, `#kept-${station.code}`)).toContain('园艺山驿站')

  const status = render('keeper/pages/status/index')
  await status.instance.onLoad({ code: station.code })
  expect(text(status, '#current >>> #live-water')).toContain('没人更新过')
  await tap(status, '#water-low')
  await waitFor(() => text(status, '#message'), { what: 'the water post' })
  expect(text(status, '#message')).toContain('已更新饮水')
  status.instance.onSeats({ detail: 2 })
  await status.instance.sendSeats()
  expect(text(status, '#current >>> #live-water')).toContain('饮水不多')
  expect(text(status, '#current >>> #live-rest')).toContain('空座位 2 个')

  const visits = render('keeper/pages/visits/index')
  await visits.instance.onLoad({ code: station.code })
  expect(text(visits, '#today')).toContain('0 人次')
  visits.instance.onCount({ detail: 3 })
  await tap(visits, '#record')
  await waitFor(() => text(visits, '#message'), { what: 'the walk-in' })
  expect(text(visits, '#message')).toContain('已登记 3 人次')
  await waitFor(() => text(visits, '#today').includes('3 人次'), { what: 'today counting the walk-in' })
  expect(text(visits, '#today')).toContain('登记 3')

  await asConsentingPerson('o-e2e-passer-by', { lat: HERE.lat + 0.001, lng: HERE.lng })
  provideWx({ navigateTo: () => {} })
  const nearby = render('pages/nearby/index')
  await nearby.instance.onLoad()
  await tap(nearby, '#filter-water')
  await waitFor(() => text(nearby, `#station-${station.code}`), { what: 'the station nearby' })
  expect(text(nearby, `#station-${station.code}`)).toContain('饮水不多（刚刚）')
  expect(text(nearby, `#station-${station.code}`)).toContain('空座位 2 个')

  const page = render('pages/station/index')
  await page.instance.onLoad({ code: station.code })
  expect(text(page, '#live >>> #live-water')).toContain('饮水不多')
  expect(text(page, '#visits-today')).toContain('3 人次')
})
