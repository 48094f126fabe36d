// A station's live status as the keepers set it: water, toilet, rest seats (and a temporary
// closure, a note), each with how long ago it was set.
const { statusRows } = require('../../utils/format')

Component({
  properties: { status: { type: Object, value: null } },
  data: { rows: [] },
  observers: {
    status(live) {
      this.setData({ rows: statusRows(live) })
    },
  },
})
