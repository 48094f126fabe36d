// Ratings of the keeper's station and its published comments, with the keeper's replies. A reply
// passes WeChat's content check; a held one waits for staff, a refused one is not saved.
const api = require('../../../utils/api')
const { chinaTime } = require('../../../utils/format')
const { KEEPER, messageFor } = require('../../../utils/messages')

const REPLY_STATE = { review: '回复等待审核，通过后公开', hidden: '回复未通过审核，没有公开' }

/** @param {any} figures RatingFiguresOut */
const figureText = (figures) => (figures.count ? `${figures.average} 分（${figures.count} 条）` : '还没有评价')

/** @param {any} c CommentOut */
function comment(c) {
  return {
    ...c,
    stars: '★'.repeat(c.score) + '☆'.repeat(5 - c.score),
    when: chinaTime(c.created_at),
    tagText: (c.tag_names || []).join('、'),
    replyText: c.reply ? c.reply.text : '',
    replyState: /** @type {Record<string, string>} */ (REPLY_STATE)[c.reply_status] || '',
  }
}

Component({
  data: { code: '', loading: true, loadError: '', recentText: '', allText: '', comments: [], replying: 0, replyText: '', sending: false, error: '' },
  methods: {
    onLoad(/** @type {Record<string, string>} */ query) {
      this.setData({ code: query.code })
      return this.load()
    },
    async load() {
      this.setData({ loadError: '' })
      try {
        const summary = await api.keeperSummary(this.data.code)
        this.setData({
          loading: false,
          recentText: figureText(summary.ratings.last_30_days),
          allText: figureText(summary.ratings.all_time),
          comments: summary.comments.map(comment),
        })
      } catch (error) {
        this.setData({ loadError: messageFor(error, KEEPER), loading: false })
      }
    },
    startReply(/** @type {any} */ e) {
      const id = Number(e.currentTarget.dataset.id)
      const current = this.data.comments.find((c) => c.rating_id === id)
      this.setData({ replying: id, replyText: current ? current.replyText : '', error: '' })
    },
    onReplyText(/** @type {any} */ e) {
      this.setData({ replyText: e.detail })
    },
    async sendReply() {
      const text = this.data.replyText.trim()
      if (this.data.sending || !text) return
      this.setData({ sending: true, error: '' })
      try {
        const reply = await api.reply(this.data.code, this.data.replying, text)
        const comments = this.data.comments.map((c) =>
          c.rating_id === reply.rating_id ? { ...c, replyText: reply.text, replyState: /** @type {Record<string, string>} */ (REPLY_STATE)[reply.reply_status] || '' } : c,
        )
        this.setData({ comments, replying: 0, replyText: '', sending: false })
      } catch (error) {
        this.setData({ error: messageFor(error, KEEPER), sending: false })
      }
    },
  },
})
