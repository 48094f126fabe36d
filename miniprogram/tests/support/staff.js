// The district staff's side of the end-to-end tests, over the staff API (what the console does).
const { httpJson } = require('./http')

const API = process.env.YIZHAN_E2E_API
const WECHAT = process.env.YIZHAN_E2E_WECHAT

async function ok(promise, what) {
  const res = await promise
  if (res.statusCode >= 300) throw new Error(`${what}: HTTP ${res.statusCode} ${JSON.stringify(res.data)}`)
  return res.data
}

async function staffLogin() {
  const body = { username: process.env.YIZHAN_E2E_STAFF_USER, password: process.env.YIZHAN_E2E_STAFF_PASSWORD }
  const { token } = await ok(httpJson('POST', `${API}/api/staff/v1/auth/login`, body), 'staff login')
  const auth = { Authorization: `Bearer ${token}` }
  return {
    get: (path) => ok(httpJson('GET', `${API}${path}`, null, auth), `GET ${path}`),
    post: (path, data) => ok(httpJson('POST', `${API}${path}`, data || {}, auth), `POST ${path}`),
    /** A station registered by staff; its code, its sign's URL (what the QR on the sign holds) and the mini-program code's scene. */
    async newStation(name, lat, lng, extra = {}) {
      const station = await this.post('/api/staff/v1/stations', {
        name,
        district: 'FC',
        address: '绵阳市涪城区临园路1号',
        lat,
        lng,
        build_mode: 'self_built',
        amenities: ['drinking_water', 'toilet', 'rest_seats'],
        opening_hours: { always_open: true },
        status: 'built',
        ...extra,
      })
      const sign = await this.get(`/api/staff/v1/stations/${station.code}/sign`)
      return { code: station.code, signUrl: sign.url, scene: sign.scene }
    },
  }
}

/** The fake WeChat server's verdict for a text (msg_sec_check). */
function setVerdict(text, suggest) {
  return ok(httpJson('POST', `${WECHAT}__control/verdicts`, { text, suggest }), 'set verdict')
}

module.exports = { staffLogin, setVerdict }
