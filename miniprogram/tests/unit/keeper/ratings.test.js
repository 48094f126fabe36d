const { render, waitFor, text, tap } = require('../../support/page')
const { fakeBackend, reply } = require('../../support/fake-backend')
const fx = require('../../support/keeper-fixtures')

const comment = (over = {}) => ({ rating_id: 5, score: 4, tags: ['clean'], tag_names: ['干净整洁'], comment: '水很凉快', created_at: '2026-12-03T06:00:00Z', reply: null, reply_status: 'none', ...over })

test('ratings lately and in all, the comments, and a reply', async () => {
  const backend = fakeBackend({
    'GET /keeper/stations/FC0001/summary': () => fx.summary({ comments: [comment()] }),
    'POST /keeper/stations/FC0001/ratings/5/reply': (req) => reply(201, { rating_id: 5, text: req.data.text, reply_status: 'published', reply_status_name: '已公开', reply_notice: null, replied_at: '2026-12-03T08:00:00Z' }),
  })
  const page = render('keeper/pages/ratings/index')
  await page.instance.onLoad({ code: 'FC0001' })
  expect(text(page, '#recent')).toContain('4.25 分（4 条）')
  expect(text(page, '#all-time')).toContain('4.1 分（10 条）')
  expect(text(page, '#comment-5')).toContain('★★★★☆')
  expect(text(page, '#comment-5')).toContain('水很凉快')
  expect(text(page, '#comment-5')).toContain('干净整洁')
  await tap(page, '#reply-5')
  page.instance.onReplyText({ detail: '谢谢，欢迎常来' })
  await tap(page, '#reply-send')
  await waitFor(() => text(page, '#comment-5').includes('我的回复'))
  expect(backend.named('POST', '/keeper/stations/FC0001/ratings/5/reply')[0].data).toEqual({ text: '谢谢，欢迎常来' })
  expect(text(page, '#comment-5')).toContain('谢谢，欢迎常来')
})

test('a held reply says it waits; a refused one says why', async () => {
  let answer = reply(201, { rating_id: 5, text: '好', reply_status: 'review', reply_status_name: '待审核', reply_notice: null, replied_at: '2026-12-03T08:00:00Z' })
  fakeBackend({
    'GET /keeper/stations/FC0001/summary': () => fx.summary({ comments: [comment()] }),
    'POST /keeper/stations/FC0001/ratings/5/reply': () => answer,
  })
  const page = render('keeper/pages/ratings/index')
  await page.instance.onLoad({ code: 'FC0001' })
  await tap(page, '#reply-5')
  page.instance.onReplyText({ detail: '好' })
  await page.instance.sendReply()
  expect(text(page, '#comment-5')).toContain('回复等待审核')
  answer = fx.apiError(422, 'text_rejected', 'x')
  await tap(page, '#reply-5')
  page.instance.onReplyText({ detail: '坏话' })
  await page.instance.sendReply()
  expect(text(page, '#reply-error')).toContain('不合适的内容')
})

test('no comments yet', async () => {
  fakeBackend({ 'GET /keeper/stations/FC0001/summary': () => fx.summary({ ratings: { last_30_days: { count: 0, average: null, distribution: {} }, all_time: { count: 0, average: null, distribution: {} } } }) })
  const page = render('keeper/pages/ratings/index')
  await page.instance.onLoad({ code: 'FC0001' })
  expect(text(page, '#recent')).toContain('还没有评价')
  expect(text(page, '#no-comments')).toContain('还没有公开的留言')
})
