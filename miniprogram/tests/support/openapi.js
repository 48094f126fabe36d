// The backend's OpenAPI document (built from the app by scripts/dump_openapi.py), and the error
// codes an operation lists in it (`x-error-codes`: [{status, code}] on the operation).
const { execFileSync } = require('child_process')
const path = require('path')

const REPO = path.resolve(__dirname, '..', '..', '..')
const PYTHON = process.env.PYTHON || path.join(REPO, '.venv', 'bin', 'python')

function openapi() {
  return JSON.parse(execFileSync(PYTHON, [path.join(REPO, 'scripts', 'dump_openapi.py')], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 }).toString('utf8'))
}

/** The error codes the operation lists; an operation that lists none is an error, not an empty list. */
function errorCodes(spec, method, route) {
  const op = spec.paths[route] && spec.paths[route][method]
  if (!op) throw new Error(`${method.toUpperCase()} ${route} is not in the OpenAPI document`)
  const listed = op['x-error-codes']
  if (!listed || !listed.length) throw new Error(`${method.toUpperCase()} ${route} lists no x-error-codes`)
  return [...new Set(listed.map((entry) => (typeof entry === 'string' ? entry : entry.code)))]
}

/** Every error code POST /api/mp/v1/checkins can answer. */
function checkInErrorCodes(spec = openapi()) {
  return errorCodes(spec, 'post', '/api/mp/v1/checkins')
}

module.exports = { openapi, errorCodes, checkInErrorCodes }
