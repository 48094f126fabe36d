// The worker's own problem reports, newest first; each opens its steps.
const api = require('../../utils/api')
const { chinaTime } = require('../../utils/format')
const { PROBLEM, messageFor } = require('../../utils/messages')

Component({
  data: { loading: true, loadError: '', tickets: [] },
  methods: {
    onShow() {
      return this.load()
    },
    async load() {
      try {
        const tickets = await api.myTickets()
        this.setData({
          loading: false,
          loadError: '',
          tickets: tickets.map((t) => ({ ...t, when: chinaTime(t.opened_at) })),
        })
      } catch (error) {
        this.setData({ loadError: messageFor(error, PROBLEM), loading: false })
      }
    },
    open(/** @type {any} */ e) {
      wx.navigateTo({ url: `/pages/report/index?id=${e.currentTarget.dataset.id}` })
    },
  },
})
