// The station page: opened from a sign (q or scene) or from the nearby list (code). Shows the
// station and, when opened from a sign, one big 签到 button; the rating form follows a check-in.
const api = require('../../utils/api')
const { fromQuery, pageForScan } = require('../../utils/entry')
const { currentLocation } = require('../../utils/location')
const { warningLines } = require('../../utils/format')
const { checkInOutcome, messageFor } = require('../../utils/messages')

/** @typedef {NonNullable<import('../../../typings/api').components['schemas']['CheckInIn']['services']>[number]} Service */

/** @type {Array<{code: Service, name: string}>} */
const SERVICES = [
  { code: 'water', name: '喝水' },
  { code: 'toilet', name: '上厕所' },
  { code: 'rest', name: '歇脚' },
  { code: 'hot_water', name: '热水' },
  { code: 'heat_meal', name: '热饭' },
  { code: 'charge_phone', name: '充电' },
]
const REFUSED_SIGNS = ['scan_invalid', 'sign_outdated', 'station_closed']

/** @param {any} s StationDetailOut */
function view(s) {
  return {
    ...s,
    openText: s.open_now ? '现在开放' : '现在不开放',
    amenityText: (s.amenities || []).map((/** @type {any} */ a) => a.name).join('、') + (s.amenities_other ? `、${s.amenities_other}` : '') || '暂无',
    ratingText: s.rating && s.rating.count ? `${s.rating.average} 分（${s.rating.count} 人评价）` : '还没有人评价',
    warningLines: warningLines(s.warnings),
  }
}

Component({
  data: {
    entry: { scan: null, lookup: null, code: null },
    requestKey: '',
    loading: true,
    loadError: '',
    refused: null,
    station: null,
    scan: null,
    services: SERVICES.map((s) => ({ ...s, chosen: false })),
    checking: false,
    outcome: null,
    checkinId: 0,
    tags: [],
    noLocationConsent: false,
  },
  methods: {
    onLoad(/** @type {Record<string, string>} */ query) {
      const entry = fromQuery(query || {})
      this.setData({ entry, scan: entry.scan })
      return this.load()
    },
    async load() {
      this.setData({ loading: true, loadError: '', refused: null })
      try {
        const entry = this.data.entry
        const station = entry.lookup ? await api.scan(entry.lookup) : await api.station(entry.code)
        this.setData({ station: view(station), loading: false })
        wx.setNavigationBarTitle({ title: station.name })
      } catch (error) {
        if (REFUSED_SIGNS.includes(error.code)) {
          this.setData({ refused: checkInOutcome(error), loading: false, scan: null })
        } else if (error.status === 404) {
          this.setData({ refused: { kind: 'refused', title: '没有找到这个站点', detail: '它可能已经撤销' }, loading: false, scan: null })
        } else {
          this.setData({ loadError: messageFor(error), loading: false })
        }
      }
    },
    toggleService(/** @type {any} */ e) {
      const code = e.currentTarget.dataset.code
      this.setData({ services: this.data.services.map((s) => (s.code === code ? { ...s, chosen: !s.chosen } : s)) })
    },
    async checkIn() {
      if (this.data.checking) return // a double tap sends once
      this.setData({ checking: true, outcome: null })
      // A retry after a lost answer reuses the key: the backend answers with the same visit.
      const requestKey = this.data.requestKey || api.newRequestKey()
      this.setData({ requestKey })
      const location = await currentLocation()
      const body = {
        scan: /** @type {string} */ (this.data.scan),
        services: this.data.services.filter((s) => s.chosen).map((s) => s.code),
        location: location ? { lat: location.lat, lng: location.lng, datum: /** @type {'gcj02'} */ ('gcj02') } : null,
      }
      try {
        const visit = await this.checkInOrUnlocated(body, requestKey)
        this.setData({ requestKey: '' })
        const where = visit.located ? '' : this.data.noLocationConsent ? '（没有带位置：您还没有同意位置授权，可在“我的 → 隐私保护指引与授权”里同意）' : '（没有带位置）'
        const outcome = visit.deduplicated
          ? { kind: 'dup', title: '已经签过到了', detail: '这次来站已经记上了，不用再签' }
          : { kind: 'ok', title: '签到成功', detail: `已记上一次服务${where}` }
        this.setData({ outcome, checkinId: visit.id, checking: false })
        this.refreshAfterCheckIn()
      } catch (error) {
        if (!error.network) this.setData({ requestKey: '' })
        this.setData({ outcome: checkInOutcome(error), checking: false })
      }
    },
    /**
     * The backend uses a location only with the worker's consent to the latest privacy notice:
     * without it, the check-in goes through unlocated (as it would had they declined location).
     * @param {any} body @param {string} requestKey
     */
    async checkInOrUnlocated(body, requestKey) {
      try {
        return await api.checkIn(body, requestKey)
      } catch (error) {
        if (/** @type {any} */ (error).code !== 'privacy_consent_required' || !body.location) throw error
        this.setData({ noLocationConsent: true })
        return api.checkIn({ ...body, location: null }, api.newRequestKey())
      }
    },
    async refreshAfterCheckIn() {
      try {
        const [tags, station] = await Promise.all([api.ratingTags(), api.station(this.data.station.code)])
        this.setData({ tags, station: view(station) })
      } catch (error) {
        // The check-in stands; the rating form still works without tags.
      }
    },
    scanSign() {
      wx.scanCode({
        onlyFromCamera: true,
        success: (res) => {
          const url = pageForScan(res)
          if (url) wx.redirectTo({ url })
          else this.setData({ outcome: { kind: 'refused', title: '这个二维码不是驿站的标牌', detail: '请扫站点门口张贴的驿站标牌' } })
        },
      })
    },
    openActivity(/** @type {any} */ e) {
      wx.navigateTo({ url: `/pages/activity/index?id=${e.currentTarget.dataset.id}` })
    },
    navigate() {
      const s = this.data.station
      wx.openLocation({ latitude: s.lat, longitude: s.lng, name: s.name, address: s.address, scale: 17 })
    },
    reportProblem() {
      wx.navigateTo({ url: `/pages/report/index?code=${encodeURIComponent(this.data.station.code)}` })
    },
    goNearby() {
      wx.switchTab({ url: '/pages/nearby/index' })
    },
  },
})
