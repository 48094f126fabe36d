// A care activity (附件5) for a worker: what, when, where, the gift left; claim it (asking first
// for the one-time reminder through wx.requestSubscribeMessage), then the voucher as a QR code
// for the keeper to scan, and cancel before it is handed out. Opened from a station page, the
// nearby list, or the reminder itself (id).
const api = require('../../utils/api')
const { ACTIVITY, messageFor } = require('../../utils/messages')

/** @param {string} iso */
function local(iso) {
  const d = new Date(new Date(iso).getTime() + 8 * 3600 * 1000)
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0')
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

/** Ask for the reminder; any refusal or failure just means no reminder. @param {string} templateId */
function askReminder(templateId) {
  return new Promise((resolve) => {
    if (!templateId) return resolve(false)
    wx.requestSubscribeMessage({
      tmplIds: [templateId],
      success: (/** @type {any} */ res) => resolve(res[templateId] === 'accept'),
      fail: () => resolve(false),
    })
  })
}

Component({
  data: { id: 0, loading: true, loadError: '', activity: null, when: '', claim: null, sending: false, message: '' },
  methods: {
    onLoad(/** @type {Record<string, string>} */ query) {
      this.setData({ id: Number(query.id) })
      return this.load()
    },
    async load() {
      this.setData({ loadError: '' })
      try {
        const activity = await api.activity(this.data.id)
        const claim = activity.my_claim ? await api.myClaim(activity.my_claim.id) : null
        this.setData({ activity, claim, when: `${local(activity.starts_at)} 至 ${local(activity.ends_at)}`, loading: false })
      } catch (error) {
        this.setData({ loadError: messageFor(error, ACTIVITY), loading: false })
      }
    },
    async claim() {
      if (this.data.sending) return
      this.setData({ sending: true, message: '' })
      const a = /** @type {any} */ (this.data.activity)
      try {
        const remind = await askReminder(a.reminder_template_id)
        const claim = await api.claimGift(a.id, remind)
        this.setData({ claim, sending: false, message: remind ? '领取成功，活动开始前会提醒您' : '领取成功' })
      } catch (error) {
        this.setData({ sending: false, message: messageFor(error, ACTIVITY) })
      }
    },
    async cancel() {
      if (this.data.sending || !this.data.claim) return
      this.setData({ sending: true, message: '' })
      try {
        await api.cancelClaim(/** @type {any} */ (this.data.claim).id)
        this.setData({ claim: null, sending: false, message: '已取消，礼品已退回' })
      } catch (error) {
        this.setData({ sending: false, message: messageFor(error, ACTIVITY) })
      }
    },
  },
})
