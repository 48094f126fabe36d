// JSON over node:http, for the end-to-end tests (the client's wx.request and the staff's calls).
const http = require('http')

/** A JSON exchange over node:http: resolves {statusCode, data, header}. */
function httpJson(method, url, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined || body === null ? null : Buffer.from(JSON.stringify(body))
    const req = http.request(url, { method, headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) } }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        let data = raw
        try {
          data = raw ? JSON.parse(raw) : ''
        } catch (e) {
          // not JSON: as WeChat does, the text
        }
        resolve({ statusCode: res.statusCode, data, header: res.headers })
      })
    })
    req.on('error', reject)
    if (payload) req.write(payload)
    req.end()
  })
}

module.exports = { httpJson }
