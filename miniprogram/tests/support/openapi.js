// The backend's OpenAPI document (built from the app by scripts/dump_openapi.py), and the error
// codes an operation can answer.
const { execFileSync } = require('child_process')
const fs = require('fs')
const path = require('path')

const REPO = path.resolve(__dirname, '..', '..', '..')
const PYTHON = process.env.PYTHON || path.join(REPO, '.venv', 'bin', 'python')

function openapi() {
  return JSON.parse(execFileSync(PYTHON, [path.join(REPO, 'scripts', 'dump_openapi.py')], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 }).toString('utf8'))
}

/** Codes listed machine-readably: `x-error-codes` on the operation or its responses, or an enum of error.code. */
function listedCodes(op) {
  const found = []
  const take = (list) => (list || []).forEach((c) => found.push(typeof c === 'string' ? c : c.code))
  take(op['x-error-codes'])
  for (const response of Object.values(op.responses || {})) {
    take(response['x-error-codes'])
    const schema = response.content && response.content['application/json'] && response.content['application/json'].schema
    const code = schema && schema.properties && schema.properties.error && schema.properties.error.properties && schema.properties.error.properties.code
    if (code && code.enum) take(code.enum)
  }
  return found
}

/**
 * Until the document lists codes per operation: the codes named in its response descriptions,
 * the codes the service path raises (read from the service modules), and the framework's code
 * for each documented status (app/api/errors.py HTTP_ERRORS).
 */
function codesFromBackend(op, serviceFiles) {
  const codes = new Set()
  for (const response of Object.values(op.responses || {})) {
    for (const m of (response.description || '').matchAll(/\b[a-z]+(?:_[a-z]+)+\b/g)) codes.add(m[0])
  }
  for (const file of serviceFiles) {
    const source = fs.readFileSync(path.join(REPO, file), 'utf8')
    for (const m of source.matchAll(/code\s*=\s*"([a-z_]+)"/g)) codes.add(m[1])
  }
  const errors = fs.readFileSync(path.join(REPO, 'app', 'api', 'errors.py'), 'utf8')
  for (const status of Object.keys(op.responses || {})) {
    const m = errors.match(new RegExp(`\\b${status}: \\("([a-z_]+)"`))
    if (m) codes.add(m[1])
  }
  return [...codes]
}

/** Every error code POST /api/mp/v1/checkins can answer. */
function checkInErrorCodes(spec = openapi()) {
  const op = spec.paths['/api/mp/v1/checkins'].post
  const listed = listedCodes(op)
  if (listed.length) return { source: 'openapi', codes: [...new Set(listed)] }
  const files = ['app/services/checkins.py', 'app/services/sign_tokens.py', 'app/services/workers.py']
  return { source: 'backend source', codes: codesFromBackend(op, files) }
}

module.exports = { openapi, checkInErrorCodes }
