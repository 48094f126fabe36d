// The ONE module through which the mini-program talks to the backend (/api/mp/v1).
// Silent sign-in (wx.login → POST /session), the token kept in storage and renewed once on a 401,
// one error type (ApiError) for pages to show, and no second request while the same one is in
// flight (double taps). Request and response types come from typings/api.d.ts, generated from the
// backend's /api/openapi.json (npm run gen:types).

const config = require('../config')

/** @typedef {import('../../typings/api').components['schemas']} S */

const TOKEN_KEY = 'yizhan.token'

class ApiError extends Error {
  /** @param {{status?: number, code: string, message: string, details?: any, retryAfter?: number|null, network?: boolean}} f */
  constructor(f) {
    super(f.message)
    this.status = f.status || 0
    this.code = f.code
    this.details = f.details || null
    this.retryAfter = f.retryAfter || null
    this.network = !!f.network
  }
}

const NETWORK_MESSAGE = '网络不通，请检查网络后点“重试”'

/** @param {Record<string, any>} [params] */
function queryString(params) {
  if (!params) return ''
  const parts = []
  for (const key of Object.keys(params)) {
    const value = params[key]
    if (value === undefined || value === null || value === '') continue
    for (const one of Array.isArray(value) ? value : [value]) {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(one))}`)
    }
  }
  return parts.length ? `?${parts.join('&')}` : ''
}

/**
 * One HTTP exchange through wx.request. 4xx/5xx resolve (as WeChat does); only a lost network rejects.
 * @param {{method: string, path: string, query?: Record<string, any>, body?: any, headers?: Record<string, string>}} r
 * @returns {Promise<{statusCode: number, data: any, header: Record<string, string>}>}
 */
function send(r) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: config.baseUrl + config.apiPrefix + r.path + queryString(r.query),
      method: /** @type {any} */ (r.method),
      data: r.body === undefined ? undefined : r.body,
      header: { 'content-type': 'application/json', ...(r.headers || {}) },
      timeout: config.timeoutMs,
      success: (res) => resolve({ statusCode: res.statusCode, data: res.data, header: /** @type {any} */ (res.header) || {} }),
      fail: () => reject(new ApiError({ code: 'network', message: NETWORK_MESSAGE, network: true })),
    })
  })
}

/** @param {{statusCode: number, data: any, header: Record<string, string>}} res */
function errorOf(res) {
  const body = res.data && typeof res.data === 'object' && res.data.error ? res.data.error : {}
  const header = res.header || {}
  const retry = Number(header['Retry-After'] || header['retry-after'])
  return new ApiError({
    status: res.statusCode,
    code: body.code || `http_${res.statusCode}`,
    message: body.message || '服务暂时不可用，请稍后再试',
    details: body.details,
    retryAfter: Number.isFinite(retry) && retry > 0 ? retry : null,
  })
}

/** @type {Promise<string>|null} */
let signingIn = null

/** wx.login → POST /session → the token, kept in storage. Concurrent callers share one sign-in. */
function signIn() {
  if (!signingIn) {
    signingIn = new Promise((resolve, reject) => {
      wx.login({
        success: (res) => resolve(res.code),
        fail: () => reject(new ApiError({ code: 'wx_login_failed', message: '微信登录没有成功，请稍后点“重试”', network: true })),
      })
    })
      .then((code) => send({ method: 'POST', path: '/session', body: { code } }))
      .then((res) => {
        if (res.statusCode !== 200) throw errorOf(res)
        /** @type {S['SessionOut']} */
        const session = res.data
        wx.setStorageSync(TOKEN_KEY, session.token)
        return /** @type {string} */ (session.token)
      })
      .finally(() => {
        signingIn = null
      })
  }
  return signingIn
}

/** @returns {Promise<string>} */
function token() {
  const kept = wx.getStorageSync(TOKEN_KEY)
  return kept ? Promise.resolve(kept) : signIn()
}

/** @type {Record<string, Promise<any>>} */
const inFlight = {}

/**
 * A signed-in request: the answer's body, or an ApiError. A 401 renews the token once, silently.
 * @param {string} method
 * @param {string} path
 * @param {{query?: Record<string, any>, body?: any, headers?: Record<string, string>}} [options]
 * @returns {Promise<any>}
 */
function call(method, path, options = {}) {
  const key = `${method} ${path} ${JSON.stringify(options)}`
  if (!inFlight[key]) {
    inFlight[key] = exchange(method, path, options).finally(() => {
      delete inFlight[key]
    })
  }
  return inFlight[key]
}

/** @param {string} method @param {string} path @param {{query?: any, body?: any, headers?: Record<string, string>}} options */
async function exchange(method, path, options) {
  return signedIn((bearer) =>
    send({ method, path, query: options.query, body: options.body, headers: { ...(options.headers || {}), Authorization: `Bearer ${bearer}` } }),
  )
}

/**
 * `attempt(bearer)` with the kept token, renewed once on a 401: the answer's body, or an ApiError.
 * @param {(bearer: string) => Promise<{statusCode: number, data: any, header: Record<string, string>}>} attempt
 */
async function signedIn(attempt) {
  let res = await attempt(await token())
  if (res.statusCode === 401) {
    wx.removeStorageSync(TOKEN_KEY)
    res = await attempt(await signIn())
  }
  if (res.statusCode >= 200 && res.statusCode < 300) return res.data
  throw errorOf(res)
}

/**
 * A photo from wx.chooseMedia, sent with wx.uploadFile (multipart, field "photo"); the answer's
 * body parsed, or an ApiError. A 401 renews the token once, as `call` does.
 * @param {string} path @param {string} filePath @returns {Promise<any>}
 */
function upload(path, filePath) {
  return signedIn((bearer) =>
    new Promise((resolve, reject) => {
      wx.uploadFile({
        url: config.baseUrl + config.apiPrefix + path,
        filePath,
        name: 'photo',
        header: { Authorization: `Bearer ${bearer}` },
        timeout: config.timeoutMs,
        success: (res) => {
          let data = res.data
          try {
            data = JSON.parse(/** @type {string} */ (res.data))
          } catch (_) {
            // not JSON: errorOf gives the generic message
          }
          resolve({ statusCode: res.statusCode, data, header: {} })
        },
        fail: () => reject(new ApiError({ code: 'network', message: NETWORK_MESSAGE, network: true })),
      })
    }),
  )
}

/** A key that makes a retried check-in the same check-in (Idempotency-Key). */
function newRequestKey() {
  return `mp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
}

const enc = encodeURIComponent

module.exports = {
  ApiError,
  TOKEN_KEY,
  signIn,
  newRequestKey,

  /** @returns {Promise<S['WorkerOut']>} */
  me: () => call('GET', '/me'),
  /** @param {S['WorkerGroupIn']['worker_group']} group @returns {Promise<S['WorkerOut']>} */
  setWorkerGroup: (group) => call('PUT', '/me', { body: { worker_group: group } }),

  /** @param {{q?: string, scene?: string}} scanned @returns {Promise<S['ScannedStationOut']>} */
  scan: (scanned) => call('GET', '/scan', { query: scanned }),
  /** @param {string} code @returns {Promise<S['StationDetailOut']>} */
  station: (code) => call('GET', `/stations/${enc(code)}`),
  /**
   * @param {{lat: number, lng: number, need?: Array<'water'|'toilet'|'rest'>, open_now?: boolean, radius_m?: number, page?: number}} q
   * @returns {Promise<S['NearbyPageOut']>}
   */
  nearby: (q) => call('GET', '/stations/nearby', { query: { ...q, open_now: q.open_now ? 'true' : undefined } }),

  /**
   * @param {S['CheckInIn']} body
   * @param {string} requestKey the same key for a retry of the same tap
   * @returns {Promise<S['CheckInResultOut']>}
   */
  checkIn: (body, requestKey) => call('POST', '/checkins', { body, headers: { 'Idempotency-Key': requestKey } }),
  /** @param {number} [page] @returns {Promise<S['CheckInPage']>} */
  myCheckins: (page = 1) => call('GET', '/me/checkins', { query: { page } }),

  /** @returns {Promise<Array<S['RatingTagOut']>>} */
  ratingTags: () => call('GET', '/rating-tags'),
  /** @param {number} checkinId @param {S['RatingIn']} body @returns {Promise<S['MyRatingOut']>} */
  rate: (checkinId, body) => call('POST', `/checkins/${checkinId}/rating`, { body }),

  /** The latest 《用户隐私保护指引》. @returns {Promise<S['NoticeOut']>} */
  privacyNotice: () => call('GET', '/privacy/notice'),
  /** @returns {Promise<S['ConsentOut']>} */
  myConsent: () => call('GET', '/me/consent'),
  /** @param {number} version the notice shown @param {Array<'location'|'photos'>} features granted @returns {Promise<S['ConsentOut']>} */
  giveConsent: (version, features) => call('PUT', '/me/consent', { body: { notice_version: version, features } }),
  /** Everything the backend holds about me. @returns {Promise<S['MyDataOut']>} */
  myData: () => call('GET', '/me/data'),
  /** Close my account; the kept token names no one afterwards. @returns {Promise<S['AccountClosedOut']>} */
  closeAccount: async () => {
    const closed = await call('DELETE', '/me')
    wx.removeStorageSync(TOKEN_KEY)
    return closed
  },

  /** @param {string} code @returns {Promise<S['BindOut']>} */
  bindKeeper: (code) => call('POST', '/keeper/bind', { body: { code } }),
  /** @returns {Promise<S['KeptStationsOut']>} */
  keptStations: () => call('GET', '/keeper/stations'),
  /** @param {string} code @param {S['StatusIn']} body @returns {Promise<S['PostedStationOut']>} */
  postStatus: (code, body) => call('PUT', `/keeper/stations/${enc(code)}/status`, { body }),
  /** @param {string} code @returns {Promise<S['KeeperSummaryOut']>} */
  keeperSummary: (code) => call('GET', `/keeper/stations/${enc(code)}/summary`),
  /** @param {string} code @param {{from?: string, to?: string}} [range] @returns {Promise<S['WalkInListOut']>} */
  walkIns: (code, range = {}) => call('GET', `/keeper/stations/${enc(code)}/walk-ins`, { query: range }),
  /** @param {string} code @param {S['WalkInIn']} body @returns {Promise<S['WalkInOut']>} */
  recordWalkIn: (code, body) => call('POST', `/keeper/stations/${enc(code)}/walk-ins`, { body }),
  /** @param {string} code @param {number} entryId @param {S['CorrectionIn']} body @returns {Promise<S['WalkInOut']>} */
  correctWalkIn: (code, entryId, body) => call('POST', `/keeper/stations/${enc(code)}/walk-ins/${entryId}/corrections`, { body }),
  /** @param {string} code @returns {Promise<S['WorkerActivityList']>} */
  stationActivities: (code) => call('GET', `/stations/${enc(code)}/activities`),
  /** @param {{lat: number, lng: number}} at @returns {Promise<S['WorkerActivityList']>} */
  nearbyActivities: (at) => call('GET', '/activities/nearby', { query: at }),
  /** @param {number} id @returns {Promise<S['WorkerActivityDetail']>} */
  activity: (id) => call('GET', `/activities/${id}`),
  /** @param {number} id @param {boolean} remind @returns {Promise<S['ClaimOut']>} */
  claimGift: (id, remind) => call('POST', `/activities/${id}/claims`, { body: { remind } }),
  /** @param {number} id @returns {Promise<S['ClaimOut']>} */
  myClaim: (id) => call('GET', `/me/claims/${id}`),
  /** @param {number} id @returns {Promise<S['ClaimOut']>} */
  cancelClaim: (id) => call('POST', `/me/claims/${id}/cancel`),
  /** @param {string} code @returns {Promise<S['KeeperActivityList']>} */
  keeperActivities: (code) => call('GET', `/keeper/stations/${enc(code)}/activities`),
  /** @param {string} code @param {string} voucher @returns {Promise<S['HandOutOut']>} */
  handOut: (code, voucher) => call('POST', `/keeper/stations/${enc(code)}/handouts`, { body: { voucher } }),
  /** @param {string} code @param {number} id @param {S['CountIn']} body @returns {Promise<S['CountEntryOut']>} */
  recordActivityCount: (code, id, body) => call('POST', `/keeper/stations/${enc(code)}/activities/${id}/counts`, { body }),
  /** @returns {Promise<Array<S['KindOut']>>} */
  problemKinds: () => call('GET', '/problem-kinds'),
  /** @param {string} code @param {S['ProblemIn']} body @returns {Promise<S['MyTicketOut']>} */
  reportProblem: (code, body) => call('POST', `/stations/${enc(code)}/problems`, { body }),
  /** @param {number} ticketId @param {string} filePath @returns {Promise<S['MyTicketOut']>} */
  uploadProblemPhoto: (ticketId, filePath) => upload(`/tickets/${ticketId}/photos`, filePath),
  /** @returns {Promise<Array<S['MyTicketOut']>>} */
  myTickets: () => call('GET', '/tickets'),
  /** @param {number} ticketId @returns {Promise<S['MyTicketOut']>} */
  myTicket: (ticketId) => call('GET', `/tickets/${ticketId}`),
  /** @param {number} ticketId @param {string} [note] @returns {Promise<S['MyTicketOut']>} */
  stillNotFixed: (ticketId, note) => call('POST', `/tickets/${ticketId}/not-fixed`, { body: { note: note || null } }),
  /** @returns {Promise<Array<S['TicketOut']>>} */
  keeperTickets: () => call('GET', '/keeper/tickets'),
  /** @param {string} code @param {number} ticketId @param {string} note @returns {Promise<S['TicketOut']>} */
  answerTicket: (code, ticketId, note) => call('POST', `/keeper/stations/${enc(code)}/tickets/${ticketId}/answer`, { body: { note } }),
  /** @param {string} code @param {number} ticketId @param {string} [note] @returns {Promise<S['TicketOut']>} */
  markFixed: (code, ticketId, note) => call('POST', `/keeper/stations/${enc(code)}/tickets/${ticketId}/fixed`, { body: { note: note || null } }),
  /** @param {string} code @returns {Promise<Array<S['SupplyOut']>>} */
  supplies: (code) => call('GET', `/keeper/stations/${enc(code)}/supplies`),
  /** @param {string} code @param {S['SupplyIn']} body @returns {Promise<S['SupplyOut']>} */
  addSupply: (code, body) => call('POST', `/keeper/stations/${enc(code)}/supplies`, { body }),
  /** @param {string} code @param {number} supplyId @returns {Promise<any>} */
  removeSupply: (code, supplyId) => call('DELETE', `/keeper/stations/${enc(code)}/supplies/${supplyId}`),

  /** @param {string} code @param {number} ratingId @param {string} text @returns {Promise<S['ReplyOut']>} */
  reply: (code, ratingId, text) => call('POST', `/keeper/stations/${enc(code)}/ratings/${ratingId}/reply`, { body: { text } }),
}
