// The keeper's stations, each with what workers see now, and the ways to update it.
const api = require('../../../utils/api')
const { messageFor } = require('../../../utils/messages')

Component({
  data: { loading: true, loadError: '', stations: [] },
  methods: {
    onShow() {
      return this.load()
    },
    async load() {
      this.setData({ loadError: '' })
      try {
        const kept = await api.keptStations()
        this.setData({ stations: kept.items.map((k) => k.station), loading: false })
      } catch (error) {
        this.setData({ loadError: messageFor(error), loading: false })
      }
    },
    go(/** @type {any} */ e) {
      const { page, code } = e.currentTarget.dataset
      wx.navigateTo({ url: `/keeper/pages/${page}/index?code=${encodeURIComponent(code)}` })
    },
    bind() {
      wx.navigateTo({ url: '/keeper/pages/bind/index' })
    },
  },
})
