const { render, waitFor, text, tap } = require('../../support/page')
const { fakeBackend } = require('../../support/fake-backend')
const fx = require('../../support/keeper-fixtures')

function backendWith(posts) {
  let live = fx.liveStatus()
  return fakeBackend({
    'GET /keeper/stations': () => fx.kept([fx.station({ live_status: live })]),
    'PUT /keeper/stations/FC0001/status': (req) => {
      posts.push(req.data)
      if (req.data.water) live = { ...live, water: { state: req.data.water, age_seconds: 0, updated_at: '2026-12-03T08:20:00Z' } }
      if (req.data.rest_seats !== undefined) live = { ...live, rest_seats: req.data.rest_seats === 'full' ? { state: 'full', seats_free: 0, age_seconds: 0 } : { state: 'available', seats_free: req.data.rest_seats, age_seconds: 0 } }
      if (req.data.station) live = { ...live, station: { ...req.data.station, age_seconds: 0 } }
      return fx.station({ live_status: live, open_now: !req.data.station || req.data.station.state === 'open' })
    },
  })
}

async function opened(posts = []) {
  backendWith(posts)
  const page = render('keeper/pages/status/index')
  await page.instance.onLoad({ code: 'FC0001' })
  return page
}

test('shows the current values and their age before any change', async () => {
  const page = await opened()
  expect(text(page, '#current >>> #live-water')).toContain('饮水充足')
  expect(text(page, '#current >>> #live-water')).toContain('10 分钟前')
  expect(text(page, '#current >>> #live-toilet')).toContain('2 小时前')
})

test('one tap per change sends only that item, and the page shows the new value', async () => {
  const posts = []
  const page = await opened(posts)
  await tap(page, '#water-low')
  await waitFor(() => text(page, '#message'))
  expect(posts).toEqual([{ water: 'low' }])
  expect(text(page, '#current >>> #live-water')).toContain('饮水不多')
  expect(text(page, '#current >>> #live-water')).toContain('刚刚')
  page.instance.onSeats({ detail: 5 })
  await page.instance.sendSeats()
  await tap(page, '#seats-full')
  await waitFor(() => posts.length === 3)
  expect(posts.slice(1)).toEqual([{ rest_seats: 5 }, { rest_seats: 'full' }])
})

test('closing for now needs a reason; it sends reason and until', async () => {
  const posts = []
  const page = await opened(posts)
  await tap(page, '#close-2')
  expect(text(page, '#message')).toContain('请先写上关闭的原因')
  expect(posts).toEqual([])
  page.instance.onCloseReason({ detail: '停水检修' })
  pinClock('2026-12-03T08:00:00Z')
  await tap(page, '#close-2')
  await waitFor(() => posts.length === 1)
  expect(posts[0].station.state).toBe('closed_temporarily')
  expect(posts[0].station.reason).toBe('停水检修')
  expect(posts[0].station.until).toBe('2026-12-03T10:00:00.000Z')
  await waitFor(() => text(page, '#current >>> #live-station'))
  expect(text(page, '#current >>> #live-station')).toContain('临时关闭（停水检修）')
  await page.instance.reopen()
  expect(posts[1]).toEqual({ station: { state: 'open' } })
})

test('a note is published and cleared', async () => {
  const posts = []
  const page = await opened(posts)
  page.instance.onNote({ detail: '门口有热水' })
  await page.instance.sendNote()
  await page.instance.clearNote()
  expect(posts).toEqual([{ note: '门口有热水' }, { note: null }])
})

test('a keeper who lost the station is told so', async () => {
  fakeBackend({ 'GET /keeper/stations': () => fx.kept([]) })
  const page = render('keeper/pages/status/index')
  await page.instance.onLoad({ code: 'FC0001' })
  expect(text(page, '#not-mine')).toContain('不是您管理的站点')
})

test('a refused change says why', async () => {
  fakeBackend({
    'GET /keeper/stations': () => fx.kept([fx.station()]),
    'PUT /keeper/stations/FC0001/status': () => fx.apiError(403, 'not_a_keeper', 'x'),
  })
  const page = render('keeper/pages/status/index')
  await page.instance.onLoad({ code: 'FC0001' })
  await tap(page, '#toilet-cleaning')
  await waitFor(() => text(page, '#message'))
  expect(text(page, '#message')).toContain('已不再是')
})
