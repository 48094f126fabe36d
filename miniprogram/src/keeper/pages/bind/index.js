// A keeper binds with the code district staff issued.
const api = require('../../../utils/api')
const { KEEPER, messageFor, waitText } = require('../../../utils/messages')

Component({
  data: { code: '', error: '', submitting: false, bound: null },
  methods: {
    onCode(/** @type {any} */ e) {
      this.setData({ code: e.detail, error: '' })
    },
    async submit() {
      const code = this.data.code.trim()
      if (this.data.submitting || !code) return
      this.setData({ submitting: true, error: '' })
      try {
        const bound = await api.bindKeeper(code)
        this.setData({ bound, submitting: false })
      } catch (error) {
        const text = error.code === 'rate_limited' ? `输错次数太多，${waitText(error.retryAfter)}` : messageFor(error, KEEPER)
        this.setData({ error: text, submitting: false })
      }
    },
    back() {
      wx.navigateBack({})
    },
  },
})
