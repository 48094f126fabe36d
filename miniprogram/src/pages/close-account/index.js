// 注销账号: what closing does, a confirmation, then DELETE /me. Afterwards nothing here names the
// person: opening the mini-program again starts as a new user.
const api = require('../../utils/api')
const { messageFor } = require('../../utils/messages')

Component({
  data: { closing: false, closed: false },
  methods: {
    ask() {
      if (this.data.closing || this.data.closed) return
      wx.showModal({
        title: '确定注销账号？',
        content: '注销后不能恢复：您的身份信息、留言和授权记录会被删除，签到记录匿名后只用于统计。',
        confirmText: '注销',
        confirmColor: '#ee0a24',
        success: (res) => {
          if (res.confirm) this.close()
        },
      })
    },
    async close() {
      this.setData({ closing: true })
      try {
        await api.closeAccount()
        this.setData({ closing: false, closed: true })
      } catch (error) {
        this.setData({ closing: false })
        wx.showToast({ title: messageFor(error), icon: 'none' })
      }
    },
  },
})
