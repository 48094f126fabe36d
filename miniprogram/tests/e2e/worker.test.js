// A worker's loop through the real pages against the real backend: a sign the backend produced →
// the station page → 签到 → a second scan says already counted → rating → the staff's report.
const { asConsentingPerson } = require('../support/privacy')
const { render, waitFor, text, tap } = require('../support/page')
const { staffLogin, setVerdict } = require('../support/staff')
const { chinaDate } = require('../../src/utils/format')

const HERE = { lat: 31.4567, lng: 104.7462 }
let staff

beforeAll(async () => {
  staff = await staffLogin()
})

async function stationPage(query) {
  const page = render('pages/station/index')
  await page.instance.onLoad(query)
  return page
}

async function visitsReport(code) {
  const today = chinaDate()
  return staff.get(`/api/staff/v1/reports/visits?group_by=station&period=day&station=${code}&from=${today}&to=${today}`)
}

test('sign → station page → check-in → second scan already counted → rating → staff report', async () => {
  const station = await staff.newStation('临园路驿站', HERE.lat, HERE.lng)
  await asConsentingPerson('o-e2e-sign-loop', { lat: HERE.lat + 0.0005, lng: HERE.lng })
  const q = encodeURIComponent(station.signUrl) // what WeChat hands the page from an ordinary QR

  const page = await stationPage({ q, scancode_time: '1764748800' })
  expect(text(page, '#station-name')).toBe('临园路驿站')
  expect(text(page, '#open-now')).toBe('现在开放')
  expect(text(page, '#visits-today')).toContain('0 人次')
  await tap(page, '#service-water')
  await tap(page, '#checkin')
  await waitFor(() => text(page, '#outcome'), { what: 'the check-in outcome' })
  expect(text(page, '#outcome')).toContain('签到成功')
  expect(text(page, '#outcome')).not.toContain('没有带位置')
  await waitFor(() => text(page, '#visits-today').includes('1 人次'), { what: 'the visit counted on the page' })

  const again = await stationPage({ q })
  await tap(again, '#checkin')
  await waitFor(() => text(again, '#outcome'))
  expect(text(again, '#outcome')).toContain('已经签过到了')
  expect(again.querySelector('.outcome-dup')).toBeTruthy()

  await setVerdict('水很凉快', 'pass')
  const form = page.querySelector('#rating-form')
  await waitFor(() => page.querySelector('#rating-form >>> #tag-water_ok'), { what: 'the rating tags' })
  form.instance.onScore({ detail: 5 })
  await tap(page, '#rating-form >>> #tag-water_ok')
  form.instance.onComment({ detail: '水很凉快，谢谢！' })
  await tap(page, '#rating-form >>> #submit-rating')
  await waitFor(() => text(page, '#rating-form >>> #rating-result'), { what: 'the rating result' })
  expect(text(page, '#rating-form >>> #rating-result')).toContain('留言已公开')

  const report = await visitsReport(station.code)
  expect(report.totals.scanned).toBe(1)
  expect(report.rows.map((r) => [r.station, r.scanned, r.workers])).toEqual([[station.code, 1, 1]])
})

test('a forged sign is refused on screen and nothing is counted', async () => {
  const station = await staff.newStation('城南驿站', HERE.lat + 0.01, HERE.lng)
  await asConsentingPerson('o-e2e-forger', { lat: HERE.lat + 0.01, lng: HERE.lng })
  const forged = station.signUrl.replace(/k=(\d+)\.(.{12})/, (_, v, mac) => `k=${v}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`)
  expect(forged).not.toBe(station.signUrl)

  const page = await stationPage({ q: encodeURIComponent(forged) })
  expect(text(page, '#refused')).toContain('不是驿站的标牌')
  expect(page.querySelector('#checkin')).toBeFalsy()
  const report = await visitsReport(station.code)
  expect(report.totals.scanned).toBe(0)
})

test('too far: the distance is on screen, and nothing is counted', async () => {
  const station = await staff.newStation('远方驿站', HERE.lat + 0.02, HERE.lng)
  await asConsentingPerson('o-e2e-too-far', { lat: HERE.lat + 0.05, lng: HERE.lng })
  const page = await stationPage({ q: encodeURIComponent(station.signUrl) })
  await tap(page, '#checkin')
  await waitFor(() => text(page, '#outcome'))
  expect(text(page, '#outcome')).toMatch(/离站点太远[\s\S]*约 \d+ 米/)
  expect((await visitsReport(station.code)).totals.scanned).toBe(0)
})

test('opened from a mini-program code (scene): the check-in counts', async () => {
  const station = await staff.newStation('码上驿站', HERE.lat + 0.03, HERE.lng)
  expect(station.scene).toMatch(new RegExp(`^${station.code}\\.`))
  await asConsentingPerson('o-e2e-scene', { lat: HERE.lat + 0.03, lng: HERE.lng })
  const page = await stationPage({ scene: encodeURIComponent(station.scene) })
  await tap(page, '#checkin')
  await waitFor(() => text(page, '#outcome'))
  expect(text(page, '#outcome')).toContain('签到成功')
  expect((await visitsReport(station.code)).totals.scanned).toBe(1)
})

test('a refused comment says why and keeps the form; a held one awaits review', async () => {
  const station = await staff.newStation('审核驿站', HERE.lat + 0.04, HERE.lng)
  await asConsentingPerson('o-e2e-moderated', { lat: HERE.lat + 0.04, lng: HERE.lng })
  const page = await stationPage({ q: encodeURIComponent(station.signUrl) })
  await tap(page, '#checkin')
  await waitFor(() => page.querySelector('#rating-form >>> #submit-rating'), { what: 'the rating form' })
  const form = page.querySelector('#rating-form')

  await setVerdict('不文明的话', 'risky')
  form.instance.onScore({ detail: 1 })
  form.instance.onComment({ detail: '不文明的话' })
  await tap(page, '#rating-form >>> #submit-rating')
  await waitFor(() => text(page, '#rating-form >>> #rating-error'), { what: 'the refusal' })
  expect(text(page, '#rating-form >>> #rating-error')).toContain('不合适的内容')
  expect(page.querySelector('#rating-form >>> #submit-rating')).toBeTruthy()

  await setVerdict('厕所有点脏', 'review')
  form.instance.onComment({ detail: '厕所有点脏' })
  await tap(page, '#rating-form >>> #submit-rating')
  await waitFor(() => text(page, '#rating-form >>> #rating-result'), { what: 'the held rating' })
  expect(text(page, '#rating-form >>> #rating-result')).toContain('等待审核')
})
