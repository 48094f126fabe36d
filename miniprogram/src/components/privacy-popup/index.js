// The platform's privacy consent: WeChat calls wx.onNeedPrivacyAuthorization when a privacy API
// (location, camera) needs consent; we show what is used and why, and answer with the person's
// choice. The agree button must have open-type="agreePrivacyAuthorization" and its id.
Component({
  data: { show: false },
  lifetimes: {
    attached() {
      wx.onNeedPrivacyAuthorization((resolve) => {
        this.resolve = resolve
        this.setData({ show: true })
      })
    },
  },
  methods: {
    openContract() {
      wx.openPrivacyContract({})
    },
    agree() {
      this.answer({ event: 'agree', buttonId: 'agree-privacy' })
    },
    refuse() {
      this.answer({ event: 'disagree' })
    },
    /** @param {{event: string, buttonId?: string}} choice */
    answer(choice) {
      this.setData({ show: false })
      if (this.resolve) this.resolve(choice)
      this.resolve = null
    },
  },
})
