// The platform's privacy consent: WeChat calls wx.onNeedPrivacyAuthorization when a privacy API
// (location, camera) needs consent; we show what is used and why, and answer with the person's
// choice. The agree button must have open-type="agreePrivacyAuthorization" and its id.
/** WeChat's resolve for the consent it is waiting for (one at a time). @type {((choice: any) => void)|null} */
let pending = null

Component({
  data: { show: false },
  lifetimes: {
    attached() {
      wx.onNeedPrivacyAuthorization((resolve) => {
        // miniprogram-api-typings types the listener's argument as a result; it is WeChat's resolve.
        pending = /** @type {any} */ (resolve)
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
      if (pending) pending(choice)
      pending = null
    },
  },
})
