// Turning the backend's values into short Chinese phrases.

/** "刚刚" / "12 分钟前" / "3 小时前" / "2 天前"; null → "没人更新过". @param {number|null|undefined} seconds */
function age(seconds) {
  if (seconds === null || seconds === undefined) return '没人更新过'
  if (seconds < 60) return '刚刚'
  if (seconds < 3600) return `${Math.floor(seconds / 60)} 分钟前`
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} 小时前`
  return `${Math.floor(seconds / 86400)} 天前`
}

/** @param {number|null|undefined} meters */
function distance(meters) {
  if (meters === null || meters === undefined) return ''
  if (meters < 1000) return `${Math.round(meters)} 米`
  return `${(meters / 1000).toFixed(1)} 公里`
}

/** @type {Record<string, string>} */
const WATER = { available: '饮水充足', low: '饮水不多', out: '没有饮水', unknown: '饮水情况不明' }
/** @type {Record<string, string>} */
const TOILET = { open: '厕所可用', cleaning: '厕所清洁中', closed: '厕所关闭', unknown: '厕所情况不明' }
/** @type {Record<string, string>} */
const STATION = { open: '正常开放', closed_temporarily: '临时关闭', unknown: '' }

/** @param {any} seats */
function seatsText(seats) {
  if (!seats || seats.state === 'unknown') return '座位情况不明'
  if (seats.state === 'full') return '座位已满'
  return seats.seats_free === null || seats.seats_free === undefined ? '有空座位' : `空座位 ${seats.seats_free} 个`
}

/** China's wall-clock "12月3日 14:05" for an ISO instant. @param {string|null|undefined} iso */
function chinaTime(iso) {
  if (!iso) return ''
  const d = new Date(new Date(iso).getTime() + 8 * 3600 * 1000)
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0')
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

/** Today's date in China, YYYY-MM-DD (the backend's calendar). @param {number} [nowMs] */
function chinaDate(nowMs = Date.now()) {
  return new Date(nowMs + 8 * 3600 * 1000).toISOString().slice(0, 10)
}

/**
 * The live status as rows a person reads: label, value, age.
 * @param {any} live LiveStatusOut
 */
function statusRows(live) {
  if (!live) return []
  const rows = [
    { key: 'water', label: '饮水', value: WATER[live.water.state] || '', age: age(live.water.age_seconds), unknown: live.water.state === 'unknown' },
    { key: 'toilet', label: '厕所', value: TOILET[live.toilet.state] || '', age: age(live.toilet.age_seconds), unknown: live.toilet.state === 'unknown' },
    { key: 'rest', label: '休息', value: seatsText(live.rest_seats), age: age(live.rest_seats.age_seconds), unknown: live.rest_seats.state === 'unknown' },
  ]
  if (live.station && live.station.state === 'closed_temporarily') {
    const until = live.station.until ? `，预计 ${chinaTime(live.station.until)} 恢复` : ''
    rows.unshift({ key: 'station', label: '站点', value: `临时关闭（${live.station.reason || '暂停服务'}）${until}`, age: age(live.station.age_seconds), unknown: false })
  }
  if (live.note && live.note.text) {
    rows.push({ key: 'note', label: '说明', value: live.note.text, age: age(live.note.age_seconds), unknown: false })
  }
  return rows
}

/**
 * Workers' open "locked" / "no water" reports, as a station shows them beside the keeper's status.
 * @param {Array<{kind_name: string, age_minutes: number, reporters: number}>} [warnings]
 */
function warningLines(warnings) {
  return (warnings || []).map((w) => `${w.reporters} 人反映${w.kind_name}，已持续 ${lasting(w.age_minutes)}`)
}

/** @param {number} minutes */
function lasting(minutes) {
  if (minutes < 60) return `${Math.max(1, minutes)} 分钟`
  if (minutes < 1440) return `${Math.floor(minutes / 60)} 小时`
  return `${Math.floor(minutes / 1440)} 天`
}

module.exports = { age, distance, statusRows, seatsText, chinaTime, chinaDate, warningLines, WATER, TOILET, STATION }
