// One-tap live status for a keeper's station: the current value and its age first, then one tap
// per change (water, toilet, rest seats as a number or full, open or closed for now with a reason
// and until when, a note). Each tap sends only that item.
const api = require('../../../utils/api')
const { KEEPER, messageFor } = require('../../../utils/messages')

const WATER = [
  { value: 'available', name: '充足' },
  { value: 'low', name: '不多' },
  { value: 'out', name: '没有' },
]
const TOILET = [
  { value: 'open', name: '可用' },
  { value: 'cleaning', name: '清洁中' },
  { value: 'closed', name: '关闭' },
]
const CLOSE_FOR = [
  { hours: 1, name: '关 1 小时' },
  { hours: 2, name: '关 2 小时' },
  { hours: 4, name: '关 4 小时' },
  { hours: 24, name: '关到明天' },
]

/** @param {any} live LiveStatusOut: the values the buttons mark as current */
function currentOf(live) {
  return { water: live.water.state, toilet: live.toilet.state, station: live.station.state }
}

Component({
  data: {
    code: '',
    loading: true,
    loadError: '',
    notMine: '',
    station: null,
    current: {},
    seats: 0,
    note: '',
    closeReason: '',
    message: '',
    messageError: false,
    sending: false,
    waterOptions: WATER,
    toiletOptions: TOILET,
    closeFor: CLOSE_FOR,
  },
  methods: {
    onLoad(/** @type {Record<string, string>} */ query) {
      this.setData({ code: query.code })
      return this.load()
    },
    async load() {
      this.setData({ loadError: '' })
      try {
        const kept = await api.keptStations()
        const mine = kept.items.find((k) => k.station.code === this.data.code)
        if (!mine) {
          this.setData({ notMine: KEEPER.station_not_found, loading: false })
          return
        }
        this.show(mine.station)
        this.setData({ loading: false, note: mine.station.live_status.note.text || '', seats: mine.station.live_status.rest_seats.seats_free || 0 })
      } catch (error) {
        this.setData({ loadError: messageFor(error), loading: false })
      }
    },
    /** @param {any} station */
    show(station) {
      this.setData({ station, current: currentOf(station.live_status) })
    },
    /**
     * Send one change; a tap while one is on its way does nothing.
     * @param {import('../../../../typings/api').components['schemas']['StatusIn']} body
     * @param {string} done what to say when it went through
     */
    async send(body, done) {
      if (this.data.sending) return
      this.setData({ sending: true, message: '' })
      try {
        const station = await api.postStatus(this.data.code, body)
        this.show(station)
        this.setData({ sending: false, message: `${done}，户外劳动者马上就能看到`, messageError: false })
      } catch (error) {
        this.setData({ sending: false, message: messageFor(error, KEEPER), messageError: true })
      }
    },
    choose(/** @type {any} */ e) {
      const { field, value } = e.currentTarget.dataset
      const names = { water: '饮水', toilet: '厕所', rest_seats: '座位' }
      return this.send({ [field]: value }, `已更新${names[/** @type {'water'|'toilet'|'rest_seats'} */ (field)]}`)
    },
    onSeats(/** @type {any} */ e) {
      this.setData({ seats: Number(e.detail) })
    },
    sendSeats() {
      return this.send({ rest_seats: this.data.seats }, '已更新座位')
    },
    reopen() {
      return this.send({ station: { state: 'open' } }, '已改为正常开放')
    },
    onCloseReason(/** @type {any} */ e) {
      this.setData({ closeReason: e.detail })
    },
    closeNow(/** @type {any} */ e) {
      const reason = this.data.closeReason.trim()
      if (!reason) {
        this.setData({ message: '请先写上关闭的原因', messageError: true })
        return undefined
      }
      const until = new Date(Date.now() + Number(e.currentTarget.dataset.hours) * 3600 * 1000).toISOString()
      return this.send({ station: { state: 'closed_temporarily', reason, until } }, '已改为临时关闭')
    },
    onNote(/** @type {any} */ e) {
      this.setData({ note: e.detail })
    },
    sendNote() {
      return this.send({ note: this.data.note.trim() || null }, '已发布说明')
    },
    clearNote() {
      this.setData({ note: '' })
      return this.send({ note: null }, '已清除说明')
    },
  },
})
