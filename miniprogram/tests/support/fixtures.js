// Answers shaped like the backend's (see typings/api.d.ts).
function liveStatus(over = {}) {
  return {
    water: { state: 'available', age_seconds: 600, updated_at: '2026-12-03T08:00:00Z' },
    toilet: { state: 'open', age_seconds: 7200, updated_at: '2026-12-03T06:00:00Z' },
    rest_seats: { state: 'available', seats_free: 3, age_seconds: 60, updated_at: '2026-12-03T08:09:00Z' },
    station: { state: 'unknown', reason: null, until: null, age_seconds: null, updated_at: null },
    note: { text: null, age_seconds: null, updated_at: null },
    ...over,
  }
}

function station(over = {}) {
  return {
    code: 'FC0001',
    name: '临园路驿站',
    district: { code: 'FC', name: '涪城区' },
    address: '绵阳市涪城区临园路1号',
    lat: 31.4567,
    lng: 104.7462,
    datum: 'gcj02',
    amenities: [
      { code: 'drinking_water', name: '饮用水' },
      { code: 'toilet', name: '厕所' },
    ],
    amenities_other: null,
    opening_hours_text: '每天 08:00–18:00',
    open_now: true,
    live_status: liveStatus(),
    visits_today: { date: '2026-12-03', scan: 4, manual: 2, total: 6 },
    rating: { average: 4.5, count: 8 },
    ...over,
  }
}

function scanned(over = {}) {
  return { ...station(over), scan: { valid: true, sign_version: 1 } }
}

const TAGS = [
  { code: 'clean', name: '干净整洁' },
  { code: 'water_ok', name: '饮水充足' },
]

function checkin(over = {}) {
  return { id: 41, station: { code: 'FC0001', name: '临园路驿站' }, source: 'scan', checked_in_at: '2026-12-03T08:10:00Z', services: [], located: true, distance_m: 12, deduplicated: false, ...over }
}

const { reply } = require('./fake-backend')

const apiError = (status, code, message, details, header) => reply(status, { error: { code, message, ...(details ? { details } : {}) } }, header)

module.exports = { liveStatus, station, scanned, TAGS, checkin, apiError }
