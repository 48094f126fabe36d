// Rating a visit right after checking in: 1–5, tags, an optional comment. A comment held for
// review says so; a refused one says why and keeps the text for editing.
const api = require('../../utils/api')
const { RATING, messageFor } = require('../../utils/messages')

const SCORE_TEXT = ['', '很不满意', '不满意', '一般', '满意', '很满意']

Component({
  properties: {
    checkinId: { type: Number, value: 0 },
    tags: { type: Array, value: [] },
  },
  data: {
    score: 0,
    scoreText: '',
    comment: '',
    /** @type {Array<{code: string, name: string, chosen: boolean}>} */
    tagOptions: [],
    /** @type {Record<string, boolean>} */
    chosen: {},
    submitting: false,
    error: '',
    result: null,
  },
  observers: {
    tags(/** @type {Array<{code: string, name: string}>} */ tags) {
      this.setData({ tagOptions: (tags || []).map((t) => ({ ...t, chosen: !!this.data.chosen[t.code] })) })
    },
  },
  methods: {
    onScore(/** @type {any} */ e) {
      this.setData({ score: e.detail, scoreText: SCORE_TEXT[e.detail] || '' })
    },
    onTag(/** @type {any} */ e) {
      const code = e.currentTarget.dataset.code
      /** @type {Record<string, boolean>} */
      const chosen = { ...this.data.chosen, [code]: !this.data.chosen[code] }
      this.setData({ chosen, tagOptions: this.data.tagOptions.map((t) => ({ ...t, chosen: !!chosen[t.code] })) })
    },
    onComment(/** @type {any} */ e) {
      this.setData({ comment: e.detail })
    },
    async submit() {
      if (this.data.submitting || !this.data.score) return
      this.setData({ submitting: true, error: '' })
      // The tags' codes come from GET /rating-tags: the backend's own list.
      /** @type {import('../../../typings/api').components['schemas']['RatingIn']} */
      const body = {
        score: this.data.score,
        tags: /** @type {any} */ (this.data.tagOptions.filter((t) => t.chosen).map((t) => t.code)),
        comment: this.data.comment.trim() || null,
      }
      try {
        const rating = await api.rate(this.properties.checkinId, body)
        this.setData({ result: resultText(rating), submitting: false })
        this.triggerEvent('rated', rating)
      } catch (error) {
        const why = error.code === 'comment_rejected' ? `${RATING.comment_rejected}（${error.message}）` : messageFor(error, RATING)
        this.setData({ error: why, submitting: false })
      }
    },
  },
})

/** @param {any} rating MyRatingOut */
function resultText(rating) {
  if (rating.comment_status === 'review') return { title: '谢谢您的评价', detail: `留言等待审核，审核通过后公开。${rating.comment_notice || ''}` }
  if (rating.comment_status === 'hidden') return { title: '谢谢您的评价', detail: rating.comment_notice || '留言未通过审核，只有您自己能看到' }
  return { title: '谢谢您的评价', detail: rating.comment_status === 'published' ? '留言已公开' : '' }
}
