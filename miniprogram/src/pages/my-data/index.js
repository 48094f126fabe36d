// 我的数据: everything the backend holds about me (GET /me/data), summarised, and taken away whole
// as a JSON file (sent to a chat, where WeChat keeps it) or copied.
const api = require('../../utils/api')
const { messageFor } = require('../../utils/messages')

const FILE_NAME = 'yizhan-my-data.json'

/** @param {any} value */
const count = (value) => (Array.isArray(value) ? value.length : value && typeof value === 'object' ? Object.keys(value).length : value ? 1 : 0)

/** @param {Record<string, any>} data */
function summary(data) {
  const keeping = data.keeping || {}
  return [
    { id: 'visits', name: '签到记录', n: count(data.visits) },
    { id: 'ratings', name: '评价与留言', n: count(data.ratings) },
    { id: 'consents', name: '授权记录', n: count(data.consents) },
    { id: 'bindings', name: '站点管理员绑定', n: count(keeping.bindings) },
    { id: 'walk-ins', name: '站点登记', n: count(data.walk_ins_recorded) },
  ]
}

Component({
  data: { loading: true, loadError: '', rows: [], json: '' },
  methods: {
    onLoad() {
      return this.load()
    },
    async load() {
      this.setData({ loadError: '', loading: true })
      try {
        const mine = await api.myData()
        this.setData({ rows: summary(mine.data || {}), json: JSON.stringify(mine, null, 2), loading: false })
      } catch (error) {
        this.setData({ loadError: messageFor(error), loading: false })
      }
    },
    copy() {
      wx.setClipboardData({ data: this.data.json })
    },
    save() {
      const filePath = `${wx.env.USER_DATA_PATH}/${FILE_NAME}`
      try {
        wx.getFileSystemManager().writeFileSync(filePath, this.data.json, 'utf8')
      } catch (error) {
        wx.showToast({ title: '保存没有成功，请改用“复制”', icon: 'none' })
        return
      }
      wx.shareFileMessage({ filePath, fileName: FILE_NAME, fail: () => wx.showToast({ title: '已保存在小程序里，可改用“复制”', icon: 'none' }) })
    },
  },
})
