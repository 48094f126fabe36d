// Problems workers reported at the keeper's stations: answer them, and mark them fixed (the
// district union then confirms).
const api = require('../../../utils/api')
const { chinaTime } = require('../../../utils/format')
const { PROBLEM, messageFor } = require('../../../utils/messages')

/** @param {any} t TicketOut */
function row(t) {
  return {
    ...t,
    deadlineText: chinaTime(t.deadline_at),
    texts: t.reports.map((/** @type {any} */ r) => r.text).filter(Boolean),
    lastStep: t.steps.length ? t.steps[t.steps.length - 1].name : '',
  }
}

Component({
  data: { loading: true, loadError: '', tickets: [], answering: 0, note: '', sending: false, error: '' },
  methods: {
    onShow() {
      return this.load()
    },
    async load() {
      try {
        const tickets = await api.keeperTickets()
        this.setData({ tickets: tickets.map(row), loading: false, loadError: '' })
      } catch (error) {
        this.setData({ loadError: messageFor(error, PROBLEM), loading: false })
      }
    },
    startAnswer(/** @type {any} */ e) {
      this.setData({ answering: Number(e.currentTarget.dataset.id), note: '', error: '' })
    },
    onNote(/** @type {any} */ e) {
      this.setData({ note: e.detail })
    },
    /** @param {(t: any) => Promise<any>} step */
    async act(step) {
      if (this.data.sending) return
      this.setData({ sending: true, error: '' })
      try {
        await step(this.data.tickets.find((t) => t.id === this.data.answering))
        this.setData({ answering: 0, note: '', sending: false })
        await this.load()
      } catch (error) {
        this.setData({ error: messageFor(error, PROBLEM), sending: false })
      }
    },
    answer() {
      const note = this.data.note.trim()
      if (!note) return Promise.resolve()
      return this.act((t) => api.answerTicket(t.station.code, t.id, note))
    },
    fixed() {
      return this.act((t) => api.markFixed(t.station.code, t.id, this.data.note.trim()))
    },
  },
})
