const { render, waitFor, text, tap, settle } = require('../support/page')
const { fakeBackend, reply } = require('../support/fake-backend')
const fx = require('../support/fixtures')

// One file per component: a component library loaded under two roots in one file registers only once.

describe('rating-form', () => {
  function form() {
    return render('components/rating-form/index', { checkinId: 41, tags: fx.TAGS })
  }
  function rated(over) {
    return { id: 7, checkin_id: 41, score: 4, tags: ['clean'], tag_names: ['干净整洁'], comment: '好', comment_status: 'published', comment_status_name: '已公开', comment_notice: '留言已公开显示', created_at: '2026-12-03T08:11:00Z', station: { code: 'FC0001', name: '临园路驿站' }, reply: null, ...over }
  }

  test('sends score, tags and comment; says thanks', async () => {
    const backend = fakeBackend({ 'POST /checkins/41/rating': () => reply(201, rated()) })
    const comp = form()
    comp.instance.onScore({ detail: 4 })
    await tap(comp, '#tag-clean')
    comp.instance.onComment({ detail: ' 水很凉快 ' })
    await tap(comp, '#submit-rating')
    await waitFor(() => text(comp, '#rating-result'))
    expect(backend.named('POST', '/checkins/41/rating')[0].data).toEqual({ score: 4, tags: ['clean'], comment: '水很凉快' })
    expect(text(comp, '#rating-result')).toContain('谢谢您的评价')
    expect(text(comp, '#rating-result')).toContain('留言已公开')
  })

  test('a held comment says it awaits review', async () => {
    fakeBackend({ 'POST /checkins/41/rating': () => reply(201, rated({ comment_status: 'review', comment_notice: '留言需人工审核，通过后公开显示' })) })
    const comp = form()
    comp.instance.onScore({ detail: 3 })
    await tap(comp, '#submit-rating')
    await waitFor(() => text(comp, '#rating-result'))
    expect(text(comp, '#rating-result')).toContain('等待审核')
  })

  test('a rejected comment says why and keeps the form', async () => {
    fakeBackend({ 'POST /checkins/41/rating': () => fx.apiError(422, 'comment_rejected', '留言含有不适宜公开的内容，请修改后再提交') })
    const comp = form()
    comp.instance.onScore({ detail: 1 })
    comp.instance.onComment({ detail: '骂人的话' })
    await tap(comp, '#submit-rating')
    await waitFor(() => text(comp, '#rating-error'))
    expect(text(comp, '#rating-error')).toContain('不合适的内容')
    expect(text(comp, '#rating-error')).toContain('不适宜公开')
    expect(comp.querySelector('#submit-rating')).toBeTruthy()
  })

  test('already rated and too late are plain sentences; nothing is sent without a score', async () => {
    const backend = fakeBackend({ 'POST /checkins/41/rating': () => fx.apiError(409, 'already_rated', '已评价') })
    const comp = form()
    await comp.instance.submit()
    expect(backend.calls).toHaveLength(0)
    comp.instance.onScore({ detail: 5 })
    await tap(comp, '#submit-rating')
    await waitFor(() => text(comp, '#rating-error'))
    expect(text(comp, '#rating-error')).toBe('这次签到已经评价过了')
  })
})

