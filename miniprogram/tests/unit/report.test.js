const { render, waitFor, text, tap } = require('../support/page')
const { fakeBackend, reply } = require('../support/fake-backend')
const { apiError } = require('../support/fixtures')

const KINDS = [{ code: 'locked', name: '开放时间内锁门或关闭' }, { code: 'no_water', name: '没有饮用水' }]
const step = (kind, name, note = null) => ({ kind, name, by: 'worker', note, at: '2026-12-03T08:00:00Z' })
const ticket = (extra = {}) => ({
  id: 7, station: { code: 'FC0001', name: '临园路驿站' }, kind: 'locked', kind_name: '开放时间内锁门或关闭',
  status: 'open', status_name: '待处理', opened_at: '2026-12-03T08:00:00Z', deadline_at: '2026-12-04T08:00:00Z',
  overdue: false, reporters: 1, steps: [step('reported', '已提交问题')], can_say_not_fixed: false,
  reports: [{ id: 1, text: null, text_status: 'none', created_at: '2026-12-03T08:00:00Z', photos: [] }], ...extra,
})
const withPhoto = (n) => ticket({
  reports: [{ id: 1, text: null, text_status: 'none', created_at: '2026-12-03T08:00:00Z',
    photos: Array.from({ length: n }, (_, i) => ({ id: i + 1, check_status: 'pending', url: `/x/${i}` })) }],
})

function worker({ subscribe = 'accept', upload = (n) => ({ statusCode: 201, data: JSON.stringify(withPhoto(n)) }) } = {}) {
  const uploads = []
  provideWx({
    chooseMedia: (opts) => opts.success({ tempFiles: [{ tempFilePath: 'wxfile://a.jpg' }, { tempFilePath: 'wxfile://b.jpg' }] }),
    requestSubscribeMessage: (opts) => opts.success({ 'tmpl-ticket-update': subscribe }),
    uploadFile: (opts) => {
      uploads.push(opts)
      setTimeout(() => opts.success(upload(uploads.length)), 0)
    },
  })
  return uploads
}

test('reports a locked station with two photos, subscribed to the outcome', async () => {
  const backend = fakeBackend({ 'GET /problem-kinds': () => KINDS, 'POST /stations/FC0001/problems': () => reply(201, ticket()) })
  const uploads = worker()
  const page = render('pages/report/index')
  await page.instance.onLoad({ code: 'FC0001' })
  await waitFor(() => page.querySelector('#kind-locked'))
  await tap(page, '#kind-locked')
  page.instance.onText({ detail: ' 下午锁门了 ' })
  await tap(page, '#add-photo')
  await tap(page, '#submit')
  await waitFor(() => text(page, '#status'))
  expect(backend.named('POST', '/stations/FC0001/problems').map((c) => c.data)).toEqual([{ kind: 'locked', text: '下午锁门了', notify: true }])
  expect(uploads.map((u) => [u.url.endsWith('/api/mp/v1/tickets/7/photos'), u.name, u.filePath])).toEqual([
    [true, 'photo', 'wxfile://a.jpg'],
    [true, 'photo', 'wxfile://b.jpg'],
  ])
  expect(uploads[0].header.Authorization).toMatch(/^Bearer /)
  expect(text(page, '#photo-2')).toContain('检查中，仅自己可见')
  expect(text(page, '#step-0')).toContain('已提交问题')
})

test('a risky text is refused in plain words and nothing is uploaded', async () => {
  fakeBackend({ 'GET /problem-kinds': () => KINDS, 'POST /stations/FC0001/problems': () => apiError(422, 'problem_text_rejected', 'x') })
  const uploads = worker({ subscribe: 'reject' })
  const page = render('pages/report/index')
  await page.instance.onLoad({ code: 'FC0001' })
  await waitFor(() => page.querySelector('#kind-no_water'))
  await tap(page, '#kind-no_water')
  await tap(page, '#add-photo')
  await tap(page, '#submit')
  await waitFor(() => text(page, '#error'))
  expect(text(page, '#error')).toContain('不合适的内容')
  expect(uploads).toEqual([])
})

test('a photo refused on upload says so, the report stands', async () => {
  fakeBackend({ 'GET /problem-kinds': () => KINDS, 'POST /stations/FC0001/problems': () => reply(201, ticket()) })
  worker({ upload: () => ({ statusCode: 409, data: JSON.stringify({ error: { code: 'problem_photos_full', message: 'x' } }) }) })
  const page = render('pages/report/index')
  await page.instance.onLoad({ code: 'FC0001' })
  await waitFor(() => page.querySelector('#kind-locked'))
  await tap(page, '#kind-locked')
  await tap(page, '#add-photo')
  await tap(page, '#submit')
  await waitFor(() => text(page, '#upload-error'))
  expect(text(page, '#upload-error')).toContain('最多 3 张')
  expect(text(page, '#status')).toContain('待处理')
})

test('following a report: the steps, and "still not fixed" once the keeper says fixed', async () => {
  const fixed = ticket({ status: 'fixed', status_name: '已整改待确认', can_say_not_fixed: true, steps: [step('reported', '已提交问题'), step('fixed', '站点管理员已整改', '门已打开')] })
  const reopened = ticket({ steps: [...fixed.steps, step('not_fixed', '反映人表示仍未解决', '又锁了')] })
  const backend = fakeBackend({ 'GET /tickets/7': () => fixed, 'POST /tickets/7/not-fixed': () => reopened })
  const page = render('pages/report/index')
  await page.instance.onLoad({ id: '7' })
  await waitFor(() => text(page, '#step-1'))
  expect(text(page, '#step-1')).toContain('站点管理员已整改：门已打开')
  page.instance.onNote({ detail: '又锁了' })
  await tap(page, '#not-fixed')
  await waitFor(() => text(page, '#step-2'))
  expect(backend.named('POST', '/tickets/7/not-fixed').map((c) => c.data)).toEqual([{ note: '又锁了' }])
  expect(page.querySelector('#not-fixed')).toBeFalsy()
})

test('my reports list opens each one', async () => {
  fakeBackend({ 'GET /tickets': () => [ticket({ overdue: true })] })
  provideWx({ navigateTo: jest.fn() })
  const page = render('pages/reports/index')
  await page.instance.onShow()
  await waitFor(() => text(page, '#ticket-7'))
  expect(text(page, '#ticket-7')).toContain('已超期')
  await tap(page, '#ticket-7')
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/report/index?id=7' })
})

test('the station page shows open locked/no-water reports with their age, and leads to reporting', async () => {
  const fx = require('../support/fixtures')
  const warnings = [{ kind: 'locked', kind_name: '开放时间内锁门或关闭', since: '2026-12-03T08:00:00Z', age_minutes: 150, reporters: 2 }]
  fakeBackend({ 'GET /stations/FC0001': () => fx.station({ warnings }) })
  provideWx({ navigateTo: jest.fn(), setNavigationBarTitle: () => {}, onNeedPrivacyAuthorization: () => {} })
  const page = render('pages/station/index')
  await page.instance.onLoad({ code: 'FC0001' })
  await waitFor(() => text(page, '#warning-0'))
  expect(text(page, '#warning-0')).toBe('⚠ 2 人反映开放时间内锁门或关闭，已持续 2 小时')
  await tap(page, '#report-problem')
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/report/index?code=FC0001' })
})
