// Nearby stations: a map with markers and a list, nearest first, with filters (water, toilet,
// rest, open now), each with its distance and its live status and age. A station opens its page;
// 导航 opens WeChat's map; 扫码 opens a sign for workers already at a station. Under the list, the
// upcoming care activities near here, each opening its page.
const api = require('../../utils/api')
const { activityRow } = require('../../utils/activity-rows')
const { pageForScan } = require('../../utils/entry')
const { distance, statusRows } = require('../../utils/format')
const { currentLocation } = require('../../utils/location')
const { messageFor } = require('../../utils/messages')

const FILTERS = [
  { key: 'water', name: '有水' },
  { key: 'toilet', name: '有厕所' },
  { key: 'rest', name: '能歇脚' },
  { key: 'open_now', name: '现在开放' },
]

/** @param {any} s NearbyStationOut */
function item(s) {
  const rows = statusRows(s.live_status).filter((r) => !r.unknown)
  return {
    code: s.code,
    name: s.name,
    lat: s.lat,
    lng: s.lng,
    address: s.address,
    open_now: s.open_now,
    openText: s.open_now ? '开放' : '不开放',
    distanceText: distance(s.distance_m),
    statusLines: rows.length ? rows.map((r) => `${r.value}（${r.age}）`) : ['还没有人报告现在的情况'],
  }
}

Component({
  data: { filters: FILTERS.map((f) => ({ ...f, on: false })), here: null, needLocation: false, loading: false, loadError: '', stations: [], markers: [], activities: [], activitiesError: '' },
  methods: {
    onLoad() {
      return this.locate()
    },
    async locate() {
      const here = await currentLocation()
      if (!here) {
        this.setData({ needLocation: true })
        return
      }
      this.setData({ here, needLocation: false })
      await this.loadAll()
    },
    /** Stations and activities in parallel (first load and the retry after a lost network). */
    loadAll() {
      return Promise.all([this.load(), this.loadActivities()])
    },
    /** Activities are extra: their failure leaves the stations alone and says one short line. */
    async loadActivities() {
      const here = this.data.here
      if (!here) return
      try {
        const list = await api.nearbyActivities({ lat: here.lat, lng: here.lng })
        this.setData({ activities: (list.items || []).map(activityRow), activitiesError: '' })
      } catch (error) {
        this.setData({ activities: [], activitiesError: '附近的关爱活动暂时没能加载' })
      }
    },
    async load() {
      const here = this.data.here
      if (!here) return
      const on = this.data.filters.filter((f) => f.on).map((f) => f.key)
      this.setData({ loading: true, loadError: '' })
      try {
        const page = await api.nearby({ lat: here.lat, lng: here.lng, need: /** @type {any} */ (on.filter((k) => k !== 'open_now')), open_now: on.includes('open_now') })
        const stations = page.items.map(item)
        const markers = stations.map((s, i) => ({ id: i, latitude: s.lat, longitude: s.lng, title: s.name, width: 32, height: 40 }))
        this.setData({ stations, markers, loading: false })
      } catch (error) {
        this.setData({ loadError: messageFor(error), loading: false })
      }
    },
    toggleFilter(/** @type {any} */ e) {
      const key = e.currentTarget.dataset.key
      this.setData({ filters: this.data.filters.map((f) => (f.key === key ? { ...f, on: !f.on } : f)) })
      return this.load()
    },
    open(/** @type {any} */ e) {
      wx.navigateTo({ url: `/pages/station/index?code=${encodeURIComponent(e.currentTarget.dataset.code)}` })
    },
    openActivity(/** @type {any} */ e) {
      wx.navigateTo({ url: `/pages/activity/index?id=${e.currentTarget.dataset.id}` })
    },
    onMarkerTap(/** @type {any} */ e) {
      const s = this.data.stations[e.detail.markerId]
      if (s) wx.navigateTo({ url: `/pages/station/index?code=${encodeURIComponent(s.code)}` })
    },
    navigate(/** @type {any} */ e) {
      const s = this.data.stations[e.currentTarget.dataset.index]
      wx.openLocation({ latitude: s.lat, longitude: s.lng, name: s.name, address: s.address, scale: 17 })
    },
    scan() {
      wx.scanCode({
        onlyFromCamera: true,
        success: (res) => {
          const url = pageForScan(res)
          if (url) wx.navigateTo({ url })
          else wx.showToast({ title: '这不是驿站的标牌', icon: 'none' })
        },
      })
    },
  },
})
