// A worker's privacy through the real pages against the real backend: the served notice and their
// consent (a located check-in needs it), their data taken away, their account closed — and the
// staff's report counts the visit exactly as before.
const { render, waitFor, text, tap } = require('../support/page')
const { staffLogin } = require('../support/staff')
const { agreeToNotice } = require('../support/privacy')
const { chinaDate } = require('../../src/utils/format')

const HERE = { lat: 31.4567, lng: 104.7462 }
let staff

beforeAll(async () => {
  staff = await staffLogin()
})

async function report(code) {
  const today = chinaDate()
  return staff.get(`/api/staff/v1/reports/visits?group_by=station&period=day&station=${code}&from=${today}&to=${today}`)
}

async function checkIn(signUrl) {
  const page = render('pages/station/index')
  await page.instance.onLoad({ q: encodeURIComponent(signUrl) })
  await tap(page, '#checkin')
  await waitFor(() => text(page, '#outcome'), { what: 'the check-in outcome' })
  return text(page, '#outcome')
}

test('notice → consent → located check-in → my data → close the account → the report unchanged', async () => {
  const first = await staff.newStation('隐私测试驿站一', HERE.lat, HERE.lng)
  const second = await staff.newStation('隐私测试驿站二', HERE.lat + 0.001, HERE.lng)
  asPerson('o-e2e-privacy', { lat: HERE.lat + 0.0003, lng: HERE.lng })

  // Before answering the notice the backend will not use the location: the visit counts, unlocated.
  const before = await checkIn(first.signUrl)
  expect(before).toContain('签到成功')
  expect(before).toContain('没有带位置')

  const notice = await agreeToNotice()
  expect(text(notice, '#version')).toContain('第 1 版')
  expect(notice.dom.textContent).toContain('不保存您的经纬度')
  const located = await checkIn(second.signUrl)
  expect(located).toContain('签到成功')
  expect(located).not.toContain('没有带位置')

  const files = {}
  provideWx({
    env: { USER_DATA_PATH: 'wxfile://usr' },
    getFileSystemManager: () => ({ writeFileSync: (path, data) => (files[path] = data) }),
    shareFileMessage: () => {},
  })
  const mine = render('pages/my-data/index')
  await mine.instance.onLoad()
  await waitFor(() => text(mine, '#row-visits'), { what: 'my data' })
  expect(text(mine, '#row-visits')).toContain('2 条')
  expect(text(mine, '#row-consents')).toContain('2 条')
  await tap(mine, '#save')
  const taken = JSON.parse(files['wxfile://usr/yizhan-my-data.json'])
  expect(taken.data.identity.openid).toBe('o-e2e-privacy')
  expect(taken.data.visits.map((v) => v.station.code)).toEqual([first.code, second.code])

  const reportsBefore = [await report(first.code), await report(second.code)]
  provideWx({ showModal: (o) => o.success({ confirm: true }) })
  const close = render('pages/close-account/index')
  await tap(close, '#close')
  await waitFor(() => text(close, '#closed'), { what: 'the account closed' })
  expect([await report(first.code), await report(second.code)]).toEqual(reportsBefore)
  expect(reportsBefore.map((r) => [r.totals.scanned, r.rows[0].workers])).toEqual([
    [1, 1],
    [1, 1],
  ])
})
