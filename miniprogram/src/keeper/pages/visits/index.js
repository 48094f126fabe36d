// A keeper's counts: today and this week (scans and walk-ins), recording walk-ins (today or the
// past 7 days) and correcting one (a correction is added; the entry is never rewritten).
const api = require('../../../utils/api')
const { chinaDate } = require('../../../utils/format')
const { withNone } = require('../../../utils/worker-groups')
const { KEEPER, messageFor } = require('../../../utils/messages')

const BACKDATE_DAYS = 7
const GROUPS = withNone('不知道')

/** Today and the days a walk-in may still be recorded for, in China's calendar. */
function recordableDays() {
  const now = Date.now()
  return Array.from({ length: BACKDATE_DAYS + 1 }, (_, i) => chinaDate(now - i * 86400 * 1000))
}

Component({
  data: {
    code: '',
    loading: true,
    loadError: '',
    summary: null,
    entries: [],
    dates: [],
    dateNames: [],
    dateIndex: 0,
    count: 1,
    groupNames: GROUPS.map((g) => g.name),
    groupIndex: 0,
    note: '',
    sending: false,
    message: '',
    messageError: false,
    fixing: 0,
    fixCount: 0,
  },
  methods: {
    onLoad(/** @type {Record<string, string>} */ query) {
      this.setData({ code: query.code })
      const dates = recordableDays()
      this.setData({ dates, dateNames: dates.map((d, i) => (i === 0 ? `今天（${d}）` : i === 1 ? `昨天（${d}）` : d)) })
      return this.load()
    },
    async load() {
      this.setData({ loadError: '' })
      try {
        const [summary, list] = await Promise.all([api.keeperSummary(this.data.code), api.walkIns(this.data.code)])
        this.setData({ summary, entries: list.items, loading: false })
      } catch (error) {
        this.setData({ loadError: messageFor(error, KEEPER), loading: false })
      }
    },
    onDate(/** @type {any} */ e) {
      this.setData({ dateIndex: Number(e.detail.value) })
    },
    onCount(/** @type {any} */ e) {
      this.setData({ count: Number(e.detail) })
    },
    onGroup(/** @type {any} */ e) {
      this.setData({ groupIndex: Number(e.detail.value) })
    },
    onNote(/** @type {any} */ e) {
      this.setData({ note: e.detail })
    },
    async record() {
      if (this.data.sending) return
      this.setData({ sending: true, message: '' })
      const body = {
        date: this.data.dates[this.data.dateIndex],
        count: this.data.count,
        worker_group: /** @type {any} */ (GROUPS[this.data.groupIndex].code),
        note: this.data.note.trim() || null,
      }
      try {
        const entry = await api.recordWalkIn(this.data.code, body)
        this.setData({ sending: false, message: `已登记 ${entry.count} 人次`, messageError: false, count: 1, note: '' })
        await this.load()
      } catch (error) {
        this.setData({ sending: false, message: messageFor(error, KEEPER), messageError: true })
      }
    },
    startFix(/** @type {any} */ e) {
      this.setData({ fixing: Number(e.currentTarget.dataset.id), fixCount: Number(e.currentTarget.dataset.count) })
    },
    onFixCount(/** @type {any} */ e) {
      this.setData({ fixCount: Number(e.detail) })
    },
    async saveFix() {
      if (this.data.sending) return
      this.setData({ sending: true, message: '' })
      try {
        await api.correctWalkIn(this.data.code, this.data.fixing, { count: this.data.fixCount })
        this.setData({ sending: false, fixing: 0, message: '已更正', messageError: false })
        await this.load()
      } catch (error) {
        this.setData({ sending: false, message: messageFor(error, KEEPER), messageError: true })
      }
    },
  },
})
