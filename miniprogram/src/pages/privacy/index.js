// The privacy notice (用户隐私保护指引) as the backend serves it — versioned: a new version asks
// again — and the worker's answer, feature by feature (location for check-ins, photos for
// reports). Refusing everything is an answer too: check-ins still work, without a location.
const api = require('../../utils/api')
const { messageFor } = require('../../utils/messages')

Component({
  data: { loading: true, loadError: '', notice: null, features: [], answered: false, saving: false },
  methods: {
    onLoad() {
      return this.load()
    },
    async load() {
      this.setData({ loadError: '', loading: true })
      try {
        const [notice, consent] = await Promise.all([api.privacyNotice(), api.myConsent()])
        // A first answer starts from "allow"; a later visit shows what was granted.
        const features = (notice.features || []).map((f) => ({ ...f, on: consent.needs_consent || !!(consent.granted || {})[f.code] }))
        this.setData({ notice, features, answered: !consent.needs_consent, loading: false })
      } catch (error) {
        this.setData({ loadError: messageFor(error), loading: false })
      }
    },
    toggle(/** @type {any} */ e) {
      const code = e.currentTarget.dataset.code
      this.setData({ features: this.data.features.map((f) => (f.code === code ? { ...f, on: !f.on } : f)) })
    },
    agree() {
      return this.save(this.data.features.filter((f) => f.on).map((f) => f.code))
    },
    refuse() {
      return this.save([])
    },
    /** @param {Array<any>} codes */
    async save(codes) {
      if (this.data.saving || !this.data.notice) return
      this.setData({ saving: true })
      try {
        await api.giveConsent(/** @type {any} */ (this.data.notice).version, codes)
        this.setData({ answered: true, saving: false, features: this.data.features.map((f) => ({ ...f, on: codes.includes(f.code) })) })
        wx.showToast({ title: '已保存', icon: 'success' })
      } catch (error) {
        this.setData({ saving: false })
        if (/** @type {any} */ (error).code === 'privacy_notice_outdated') return this.load() // a newer notice: show it
        wx.showToast({ title: messageFor(error), icon: 'none' })
      }
    },
    openContract() {
      wx.openPrivacyContract({})
    },
  },
})
