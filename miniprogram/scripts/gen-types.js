// The client's request and response types, generated from the backend's OpenAPI document:
//   npm run gen:types     regenerate typings/api.d.ts
//   npm run check:types   fail when typings/api.d.ts is not what the backend's document gives
// The document comes from the app itself (scripts/dump_openapi.py, the repository's Python).
const { execFileSync } = require('child_process')
const fs = require('fs')
const os = require('os')
const path = require('path')

const ROOT = path.resolve(__dirname, '..')
const REPO = path.resolve(ROOT, '..')
const TARGET = path.join(ROOT, 'typings', 'api.d.ts')
const PYTHON = process.env.PYTHON || path.join(REPO, '.venv', 'bin', 'python')

const spec = execFileSync(PYTHON, [path.join(REPO, 'scripts', 'dump_openapi.py')], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 })
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yizhan-openapi-'))
const specPath = path.join(dir, 'openapi.json')
const outPath = path.join(dir, 'api.d.ts')
fs.writeFileSync(specPath, spec)
execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), specPath, '-o', outPath, '--default-non-nullable', 'false'], { stdio: ['ignore', 'ignore', 'inherit'] })
const header = '// Generated from the backend\'s /api/openapi.json by `npm run gen:types`. Do not edit.\n'
const generated = header + fs.readFileSync(outPath, 'utf8')
fs.rmSync(dir, { recursive: true, force: true })

if (process.argv.includes('--check')) {
  const current = fs.existsSync(TARGET) ? fs.readFileSync(TARGET, 'utf8') : ''
  if (current !== generated) {
    console.error('typings/api.d.ts is stale: the backend\'s OpenAPI document changed. Run `npm run gen:types` in miniprogram/ and commit it.')
    process.exit(1)
  }
  console.log('typings/api.d.ts matches the backend\'s OpenAPI document')
} else {
  fs.mkdirSync(path.dirname(TARGET), { recursive: true })
  fs.writeFileSync(TARGET, generated)
  console.log(`wrote ${path.relative(ROOT, TARGET)}`)
}
