const fx = require('./fixtures')

const kept = (stations) => ({ items: stations.map((s, i) => ({ keeper_id: i + 1, bound_at: '2026-12-01T00:00:00Z', station: s })) })
const summary = (over = {}) => ({
  station: { code: 'FC0001', name: '临园路驿站' },
  today: { from: '2026-12-03', to: '2026-12-03', scan: 3, manual: 4, total: 7, workers: 3 },
  this_week: { from: '2026-11-30', to: '2026-12-03', scan: 20, manual: 9, total: 29, workers: 12 },
  ratings: { last_30_days: { count: 4, average: 4.25, distribution: {} }, all_time: { count: 10, average: 4.1, distribution: {} } },
  comments: [],
  ...over,
})
const walkIn = (over = {}) => ({ id: 9, date: '2026-12-03', checked_in_at: '2026-12-03T04:00:00Z', count: 4, effective_count: 4, worker_group: 'sanitation', worker_group_name: '环卫工人', note: null, corrections: [], ...over })
const walkIns = (items) => ({ station_code: 'FC0001', from: '2026-11-26', to: '2026-12-03', total: items.reduce((n, i) => n + i.effective_count, 0), items })

module.exports = { ...fx, kept, summary, walkIn, walkIns }
