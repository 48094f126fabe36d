// Mine: my visits, my worker group (which I may change or leave empty), the privacy notice and my
// consent, my data, closing my account, and the way into the keepers' pages.
const api = require('../../utils/api')
const { chinaTime } = require('../../utils/format')
const { withNone } = require('../../utils/worker-groups')
const { messageFor } = require('../../utils/messages')

const GROUPS = withNone('不说')

/** @param {any} c CheckInOut */
const visit = (c) => ({ ...c, when: `${chinaTime(c.checked_in_at)}${c.source === 'manual' ? '（站点登记）' : ''}` })

Component({
  data: { groupNames: GROUPS.map((g) => g.name), groupIndex: 0, groupName: '不说', visits: [], page: 1, more: false, loadError: '' },
  methods: {
    onShow() {
      return this.load()
    },
    async load() {
      this.setData({ loadError: '' })
      try {
        const [me, mine] = await Promise.all([api.me(), api.myCheckins(1)])
        this.showGroup(me.worker_group)
        this.setData({ visits: mine.items.map(visit), page: 1, more: mine.pages > 1 })
      } catch (error) {
        this.setData({ loadError: messageFor(error) })
      }
    },
    async loadMore() {
      try {
        const next = await api.myCheckins(this.data.page + 1)
        this.setData({ visits: [...this.data.visits, ...next.items.map(visit)], page: next.page, more: next.page < next.pages })
      } catch (error) {
        wx.showToast({ title: messageFor(error), icon: 'none' })
      }
    },
    /** @param {string|null} code */
    showGroup(code) {
      const index = Math.max(0, GROUPS.findIndex((g) => g.code === code))
      this.setData({ groupIndex: index, groupName: GROUPS[index].name })
    },
    openPrivacy() {
      wx.navigateTo({ url: '/pages/privacy/index' })
    },
    openReports() {
      wx.navigateTo({ url: '/pages/reports/index' })
    },
    openMyData() {
      wx.navigateTo({ url: '/pages/my-data/index' })
    },
    openCloseAccount() {
      wx.navigateTo({ url: '/pages/close-account/index' })
    },
    openKeeper() {
      wx.navigateTo({ url: '/keeper/pages/home/index' })
    },
    async onGroup(/** @type {any} */ e) {
      const chosen = GROUPS[Number(e.detail.value)]
      try {
        const me = await api.setWorkerGroup(/** @type {any} */ (chosen.code))
        this.showGroup(me.worker_group)
        wx.showToast({ title: '已保存', icon: 'success' })
      } catch (error) {
        wx.showToast({ title: messageFor(error), icon: 'none' })
      }
    },
  },
})
