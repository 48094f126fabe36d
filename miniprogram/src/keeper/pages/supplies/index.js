// The station's supplies with their expiry dates (?code=): expired and soon-expiring first; add an
// item (asking once for the "supply_expiry" reminder), remove one used up.
const api = require('../../../utils/api')
const { PROBLEM, KEEPER, messageFor } = require('../../../utils/messages')
const config = require('../../../config')

const STATE = { expired: '已过期', expiring: '快过期', ok: '', no_expiry: '' }
const MESSAGES = { ...KEEPER, ...PROBLEM }

/** @param {any} s SupplyOut */
function row(s) {
  const state = /** @type {Record<string, string>} */ (STATE)[s.state]
  return { ...s, stateText: s.state === 'expiring' ? `${s.days_left} 天后过期` : state, warn: s.state === 'expired' || s.state === 'expiring' }
}

Component({
  data: { code: '', loading: true, loadError: '', items: [], name: '', expiresOn: '', sending: false, error: '' },
  methods: {
    onLoad(/** @type {Record<string, string>} */ query) {
      this.setData({ code: query.code })
      return this.load()
    },
    async load() {
      try {
        const items = await api.supplies(this.data.code)
        this.setData({ items: items.map(row), loading: false, loadError: '' })
      } catch (error) {
        this.setData({ loadError: messageFor(error, MESSAGES), loading: false })
      }
    },
    onName(/** @type {any} */ e) {
      this.setData({ name: e.detail })
    },
    onDate(/** @type {any} */ e) {
      this.setData({ expiresOn: e.detail.value })
    },
    askToRemind() {
      const id = config.subscribeTemplates && config.subscribeTemplates.supply_expiry
      if (!id || !this.data.expiresOn || !wx.requestSubscribeMessage) return Promise.resolve(false)
      return new Promise((resolve) => {
        wx.requestSubscribeMessage({ tmplIds: [id], success: (res) => resolve(res[id] === 'accept'), fail: () => resolve(false) })
      })
    },
    async add() {
      const name = this.data.name.trim()
      if (this.data.sending || !name) return
      this.setData({ sending: true, error: '' })
      try {
        const remind = await this.askToRemind()
        await api.addSupply(this.data.code, { name, expires_on: this.data.expiresOn || null, remind })
        this.setData({ name: '', expiresOn: '', sending: false })
        await this.load()
      } catch (error) {
        this.setData({ error: messageFor(error, MESSAGES), sending: false })
      }
    },
    async remove(/** @type {any} */ e) {
      try {
        await api.removeSupply(this.data.code, Number(e.currentTarget.dataset.id))
        await this.load()
      } catch (error) {
        this.setData({ error: messageFor(error, MESSAGES) })
      }
    },
  },
})
