// Reporting and following a problem through the real pages against the real backend: a worker
// reports a locked station with a photo (wx.chooseMedia, then wx.uploadFile carried as multipart
// over node:http), other workers see the warning on the station page, the keeper marks it fixed
// on the keeper's page, the worker follows the steps and says it is still not fixed; staff see it.
const fs = require('fs')
const http = require('http')
const os = require('os')
const path = require('path')
const { render, waitFor, text, tap } = require('../support/page')
const { staffLogin } = require('../support/staff')
const { asConsentingPerson } = require('../support/privacy')
const config = require('../../src/config')

const HERE = { lat: 31.4811, lng: 104.7101 }
const JPEG = Buffer.from('/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAoHBwgHBgoICAgLCgoLDhgQDg0NDh0VFhEYIx8lJCIfIiEmKzcvJik0KSEiMEExNDk7Pj4+JS5ESUM8SDc9Pjv/2wBDAQoLCw4NDhwQEBw7KCIoOzs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozv/wAARCAAMABADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDpKKKK/MT64//Z', 'base64')

/** wx.uploadFile as the phone does it: the file as multipart/form-data, to the real backend. */
function uploadFile(opts) {
  const boundary = '----yizhanE2E' + Date.now()
  const file = fs.readFileSync(opts.filePath)
  const head = Buffer.from('--' + boundary + '\r\nContent-Disposition: form-data; name="' + opts.name + '"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n')
  const body = Buffer.concat([head, file, Buffer.from('\r\n--' + boundary + '--\r\n')])
  const url = process.env.YIZHAN_E2E_API + opts.url.slice(config.baseUrl.length)
  const headers = { ...opts.header, 'content-type': 'multipart/form-data; boundary=' + boundary, 'content-length': body.length }
  const req = http.request(url, { method: 'POST', headers }, (res) => {
    const chunks = []
    res.on('data', (c) => chunks.push(c))
    res.on('end', () => opts.success({ statusCode: res.statusCode, data: Buffer.concat(chunks).toString('utf8') }))
  })
  req.on('error', () => opts.fail({ errMsg: 'uploadFile:fail' }))
  req.end(body)
}

test('report with a photo → warning for others → keeper fixes → worker follows and says not fixed', async () => {
  const staff = await staffLogin()
  const station = await staff.newStation('问题驿站', HERE.lat, HERE.lng)
  const issued = await staff.post('/api/staff/v1/stations/' + station.code + '/keeper-codes')
  asPerson('o-e2e-problem-keeper')
  const bind = render('keeper/pages/bind/index')
  bind.instance.onCode({ detail: issued.code })
  await tap(bind, '#submit')
  await waitFor(() => text(bind, '#done'), { what: 'the binding' })

  const photo = path.join(os.tmpdir(), 'yizhan-e2e-problem.jpg')
  fs.writeFileSync(photo, JPEG)
  // The photo is taken only from someone who allowed photos in the privacy notice (README "Privacy").
  await asConsentingPerson('o-e2e-problem-worker', HERE)
  provideWx({
    chooseMedia: (o) => o.success({ tempFiles: [{ tempFilePath: photo }] }),
    requestSubscribeMessage: (o) => o.success({ 'tmpl-ticket-update': 'reject' }),
    uploadFile,
    navigateTo: () => {},
  })
  const report = render('pages/report/index')
  await report.instance.onLoad({ code: station.code })
  await waitFor(() => report.querySelector('#kind-locked'), { what: 'the kinds' })
  await tap(report, '#kind-locked')
  report.instance.onText({ detail: '下午两点锁着门' })
  await tap(report, '#add-photo')
  await tap(report, '#submit')
  await waitFor(() => text(report, '#status'), { what: 'the report' })
  expect(text(report, '#status')).toContain('待处理')
  expect(text(report, '#steps')).toContain('已提交问题')
  const photoState = await waitFor(() => report.querySelector('#photos') && text(report, '#photos'), { what: 'the photo' })
  expect(photoState).toContain('检查中，仅自己可见')
  const ticketId = report.instance.data.ticket.id

  asPerson('o-e2e-problem-other', HERE)
  const page = render('pages/station/index')
  await page.instance.onLoad({ code: station.code })
  await waitFor(() => text(page, '#warning-0'), { what: 'the warning' })
  expect(text(page, '#warning-0')).toContain('1 人反映开放时间内锁门或关闭')

  asPerson('o-e2e-problem-keeper')
  const tickets = render('keeper/pages/tickets/index')
  await tickets.instance.onShow()
  await waitFor(() => text(tickets, '#ticket-' + ticketId), { what: 'the keeper’s tickets' })
  expect(text(tickets, '#ticket-' + ticketId)).toContain('下午两点锁着门')
  await tap(tickets, '#handle-' + ticketId)
  tickets.instance.onNote({ detail: '已开门' })
  await tap(tickets, '#fixed')
  await waitFor(() => text(tickets, '#ticket-' + ticketId).includes('已整改待确认'), { what: 'fixed' })

  asPerson('o-e2e-problem-worker', HERE)
  const follow = render('pages/report/index')
  await follow.instance.onLoad({ id: String(ticketId) })
  await waitFor(() => text(follow, '#step-1'), { what: 'the steps' })
  expect(text(follow, '#step-1')).toContain('站点管理员已整改：已开门')
  follow.instance.onNote({ detail: '还是锁着' })
  await tap(follow, '#not-fixed')
  await waitFor(() => text(follow, '#step-2'), { what: 'not fixed' })
  expect(text(follow, '#status')).toContain('待处理')

  const seen = await staff.get('/api/staff/v1/tickets/' + ticketId)
  expect(seen.steps.map((s) => s.kind)).toEqual(['reported', 'fixed', 'not_fixed'])
  expect(seen.reports[0].text).toBe('下午两点锁着门')
})
