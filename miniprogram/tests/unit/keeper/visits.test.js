const { render, waitFor, text, tap } = require('../../support/page')
const { fakeBackend, reply } = require('../../support/fake-backend')
const fx = require('../../support/keeper-fixtures')

function backendWith(entries, posted) {
  return fakeBackend({
    'GET /keeper/stations/FC0001/summary': () => fx.summary(),
    'GET /keeper/stations/FC0001/walk-ins': () => fx.walkIns(entries),
    'POST /keeper/stations/FC0001/walk-ins': (req) => {
      posted.push(req.data)
      return reply(201, fx.walkIn({ count: req.data.count }))
    },
    'POST /keeper/stations/FC0001/walk-ins/9/corrections': (req) => {
      posted.push(req.data)
      return reply(201, fx.walkIn({ effective_count: req.data.count, corrections: [{ id: 10, change: req.data.count - 4, note: null }] }))
    },
  })
}

test('today and this week, scans and walk-ins apart', async () => {
  backendWith([], [])
  const page = render('keeper/pages/visits/index')
  await page.instance.onLoad({ code: 'FC0001' })
  expect(text(page, '#today')).toContain('7 人次')
  expect(text(page, '#today')).toContain('扫码 3 · 登记 4')
  expect(text(page, '#week')).toContain('29 人次')
  expect(text(page, '#no-entries')).toContain('还没有登记')
})

test('records a walk-in for today in China (already tomorrow in UTC+8) with a group, once for a double tap', async () => {
  pinClock('2026-12-03T17:00:00Z') // 4 December, 01:00 in China
  const posted = []
  backendWith([], posted)
  const page = render('keeper/pages/visits/index')
  await page.instance.onLoad({ code: 'FC0001' })
  page.instance.onCount({ detail: 4 })
  page.instance.onGroup({ detail: { value: '1' } })
  await Promise.all([tap(page, '#record'), tap(page, '#record')])
  await waitFor(() => text(page, '#message'))
  expect(posted).toEqual([{ date: '2026-12-04', count: 4, worker_group: 'sanitation', note: null }])
  expect(text(page, '#message')).toContain('已登记 4 人次')
})

test('a past day may be chosen: yesterday, in China', async () => {
  pinClock('2026-12-03T17:00:00Z')
  const posted = []
  backendWith([], posted)
  const page = render('keeper/pages/visits/index')
  await page.instance.onLoad({ code: 'FC0001' })
  page.instance.onDate({ detail: { value: '1' } })
  expect(text(page, '#date')).toBe('昨天（2026-12-03）')
  await page.instance.record()
  expect(posted[0].date).toBe('2026-12-03')
  expect(page.data.dates).toHaveLength(8) // today and the 7 days a walk-in may be back-dated
})

test('corrects an entry with its right count', async () => {
  const posted = []
  backendWith([fx.walkIn()], posted)
  const page = render('keeper/pages/visits/index')
  await page.instance.onLoad({ code: 'FC0001' })
  expect(text(page, '#entry-9')).toContain('4 人次')
  expect(text(page, '#entry-9')).toContain('环卫工人')
  await tap(page, '#fix-9')
  page.instance.onFixCount({ detail: 3 })
  await tap(page, '#fix-save')
  await waitFor(() => text(page, '#message'))
  expect(posted).toEqual([{ count: 3 }])
  expect(text(page, '#message')).toBe('已更正')
})

test('a refused walk-in says why in plain words', async () => {
  fakeBackend({
    'GET /keeper/stations/FC0001/summary': () => fx.summary(),
    'GET /keeper/stations/FC0001/walk-ins': () => fx.walkIns([]),
    'POST /keeper/stations/FC0001/walk-ins': () => fx.apiError(422, 'walk_in_date_out_of_range', 'x'),
  })
  const page = render('keeper/pages/visits/index')
  await page.instance.onLoad({ code: 'FC0001' })
  await tap(page, '#record')
  await waitFor(() => text(page, '#message'))
  expect(text(page, '#message')).toContain('只能登记今天和之前 7 天')
})
