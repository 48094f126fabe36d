// How the station page was opened: from a sign's ordinary QR (query.q, the sign URL URL-encoded
// once), from a mini-program code (query.scene, URL-encoded by WeChat), or from our own list
// (query.code). Also what wx.scanCode found, as the page to open.

/**
 * @param {Record<string, string>} query the page's onLoad query
 * @returns {{scan: string|null, lookup: {q?: string, scene?: string}|null, code: string|null}}
 */
function fromQuery(query) {
  if (query && query.q) return { scan: query.q, lookup: { q: query.q }, code: null }
  if (query && query.scene) {
    const scene = decodeURIComponent(query.scene)
    return { scan: scene, lookup: { scene }, code: null }
  }
  return { scan: null, lookup: null, code: (query && query.code) || null }
}

/**
 * The station page's URL for what wx.scanCode returned (a sign's URL, or a mini-program code).
 * @param {{result?: string, path?: string}} res
 * @returns {string|null}
 */
function pageForScan(res) {
  if (res.path) return `/${res.path.replace(/^\//, '')}`
  if (res.result && /^https?:\/\//.test(res.result)) return `/pages/station/index?q=${encodeURIComponent(res.result)}`
  return null
}

module.exports = { fromQuery, pageForScan }
