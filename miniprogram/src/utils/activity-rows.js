// Care activities as short rows for a list (the nearby page): what, when in China time, where.
const { chinaTime } = require('./format')

/** @param {any} a WorkerActivityOut */
function where(a) {
  if (a.whole_district) return '全区'
  const stations = a.stations || []
  const near = stations.find((/** @type {any} */ s) => s.code === a.station_code) || stations[0]
  return near ? near.name : ''
}

/** @param {any} a WorkerActivityOut */
function activityRow(a) {
  const gift = a.gift_left === null || a.gift_left === undefined ? '' : `${a.gift_name || '礼品'}剩 ${a.gift_left} 份`
  return {
    id: a.id,
    title: a.title,
    kind: a.kind_name || '',
    when: `${chinaTime(a.starts_at)} 至 ${chinaTime(a.ends_at)}`,
    where: where(a),
    gift,
  }
}

module.exports = { activityRow }
