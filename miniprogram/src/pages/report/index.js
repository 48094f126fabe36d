// Reporting a problem at a station (?code=): what is wrong, a few words (WeChat checks them), up to
// three photos (wx.chooseMedia, then one upload each). Following a report (?id=, also where the
// "ticket_update" subscribe message opens): its steps, and "still not fixed" once the keeper says
// it is fixed.
const api = require('../../utils/api')
const { chinaTime } = require('../../utils/format')
const { PROBLEM, messageFor } = require('../../utils/messages')
const config = require('../../config')

const PHOTOS_MAX = 3
const PHOTO_STATE = { pending: '检查中，仅自己可见', passed: '已通过', hidden: '未通过检查，仅自己可见' }

/** @param {any} t MyTicketOut */
function follow(t) {
  return {
    ...t,
    deadlineText: chinaTime(t.deadline_at),
    steps: t.steps.map((/** @type {any} */ s) => ({ ...s, when: chinaTime(s.at) })),
    photos: t.reports.flatMap((/** @type {any} */ r) =>
      r.photos.map((/** @type {any} */ p) => ({ ...p, state: /** @type {Record<string, string>} */ (PHOTO_STATE)[p.check_status] })),
    ),
  }
}

Component({
  data: {
    code: '', kinds: [], kind: '', text: '', photos: /** @type {string[]} */ ([]), sending: false, error: '',
    ticket: /** @type {any} */ (null), loading: false, loadError: '', uploadError: '', note: '',
  },
  methods: {
    onLoad(/** @type {Record<string, string>} */ query) {
      if (query.id) {
        this.setData({ loading: true })
        return this.load(Number(query.id))
      }
      this.setData({ code: query.code || '' })
      return this.loadKinds()
    },
    async loadKinds() {
      try {
        this.setData({ kinds: await api.problemKinds(), loadError: '' })
      } catch (error) {
        this.setData({ loadError: messageFor(error, PROBLEM) })
      }
    },
    async load(/** @type {number} */ id) {
      try {
        this.setData({ ticket: follow(await api.myTicket(id)), loading: false, loadError: '' })
      } catch (error) {
        this.setData({ loadError: messageFor(error, PROBLEM), loading: false })
      }
    },
    chooseKind(/** @type {any} */ e) {
      this.setData({ kind: e.currentTarget.dataset.code, error: '' })
    },
    onText(/** @type {any} */ e) {
      this.setData({ text: e.detail })
    },
    choosePhotos() {
      const room = PHOTOS_MAX - this.data.photos.length
      if (room <= 0) return
      wx.chooseMedia({
        count: room,
        mediaType: ['image'],
        sourceType: ['camera', 'album'],
        sizeType: ['compressed'],
        success: (res) => this.setData({ photos: [...this.data.photos, ...res.tempFiles.map((f) => f.tempFilePath)].slice(0, PHOTOS_MAX) }),
      })
    },
    removePhoto(/** @type {any} */ e) {
      this.setData({ photos: this.data.photos.filter((_, i) => i !== Number(e.currentTarget.dataset.index)) })
    },
    /** Ask once for the "ticket_update" message; whatever the answer, the report goes on. */
    askToNotify() {
      const id = config.subscribeTemplates && config.subscribeTemplates.ticket_update
      if (!id || !wx.requestSubscribeMessage) return Promise.resolve(false)
      return new Promise((resolve) => {
        wx.requestSubscribeMessage({ tmplIds: [id], success: (res) => resolve(res[id] === 'accept'), fail: () => resolve(false) })
      })
    },
    async submit() {
      if (this.data.sending || !this.data.kind) return
      this.setData({ sending: true, error: '', uploadError: '' })
      try {
        const notify = await this.askToNotify()
        let ticket = await api.reportProblem(this.data.code, { kind: /** @type {any} */ (this.data.kind), text: this.data.text.trim() || null, notify })
        for (const path of this.data.photos) {
          try {
            ticket = await api.uploadProblemPhoto(ticket.id, path)
          } catch (error) {
            this.setData({ uploadError: `有照片没有传上：${messageFor(error, PROBLEM)}` })
          }
        }
        this.setData({ ticket: follow(ticket), sending: false })
      } catch (error) {
        this.setData({ error: messageFor(error, PROBLEM), sending: false })
      }
    },
    onNote(/** @type {any} */ e) {
      this.setData({ note: e.detail })
    },
    async notFixed() {
      if (this.data.sending) return
      this.setData({ sending: true, error: '' })
      try {
        const ticket = await api.stillNotFixed(this.data.ticket.id, this.data.note.trim())
        this.setData({ ticket: follow(ticket), note: '', sending: false })
      } catch (error) {
        this.setData({ error: messageFor(error, PROBLEM), sending: false })
      }
    },
  },
})
