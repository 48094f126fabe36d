// A keeper's care activities at their station: hand out a gift by scanning the worker's voucher
// (or typing it), and record people without a phone who received one, per activity. Each
// activity shows what happened here beside the station's visits on its days — never added
// together: taking part in an activity is not a visit.
const api = require('../../../utils/api')
const { ACTIVITY, messageFor } = require('../../../utils/messages')

Component({
  data: { code: '', loading: true, loadError: '', items: [], voucher: '', counts: /** @type {Record<string, number>} */ ({}), sending: false, message: '', messageError: false },
  methods: {
    onLoad(/** @type {Record<string, string>} */ query) {
      this.setData({ code: query.code })
      return this.load()
    },
    async load() {
      this.setData({ loadError: '' })
      try {
        const list = await api.keeperActivities(this.data.code)
        this.setData({ items: list.items, loading: false })
      } catch (error) {
        this.setData({ loadError: messageFor(error, ACTIVITY), loading: false })
      }
    },
    onVoucher(/** @type {any} */ e) {
      this.setData({ voucher: e.detail })
    },
    scan() {
      wx.scanCode({
        onlyFromCamera: true,
        success: (/** @type {any} */ res) => {
          this.setData({ voucher: String(res.result || '') })
          this.handOut()
        },
      })
    },
    async handOut() {
      const voucher = this.data.voucher.trim()
      if (this.data.sending || !voucher) return
      this.setData({ sending: true, message: '' })
      try {
        const given = await api.handOut(this.data.code, voucher)
        this.setData({ sending: false, voucher: '', message: `已发放：${given.gift_name}（${given.activity_title}）`, messageError: false })
        await this.load()
      } catch (error) {
        this.setData({ sending: false, message: messageFor(error, ACTIVITY), messageError: true })
      }
    },
    onCount(/** @type {any} */ e) {
      this.setData({ [`counts.${e.currentTarget.dataset.id}`]: Number(e.detail) })
    },
    async record(/** @type {any} */ e) {
      const id = Number(e.currentTarget.dataset.id)
      const count = this.data.counts[id] || 1
      if (this.data.sending) return
      this.setData({ sending: true, message: '' })
      try {
        await api.recordActivityCount(this.data.code, id, { count })
        this.setData({ sending: false, message: `已登记 ${count} 人`, messageError: false })
        await this.load()
      } catch (error) {
        this.setData({ sending: false, message: messageFor(error, ACTIVITY), messageError: true })
      }
    },
  },
})
