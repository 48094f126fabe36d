// What WeChat DevTools' "构建 npm" does for our dependencies: copy each package's mini-program
// folder (its package.json "miniprogram" field, else "miniprogram_dist") into src/miniprogram_npm/.
// Run by `npm test` and `npm run build:npm`; src/miniprogram_npm/ is not committed.
const fs = require('fs')
const path = require('path')

const ROOT = path.resolve(__dirname, '..')
const OUT = path.join(ROOT, 'src', 'miniprogram_npm')
const pkg = require(path.join(ROOT, 'package.json'))

fs.rmSync(OUT, { recursive: true, force: true })
for (const name of Object.keys(pkg.dependencies || {})) {
  const dir = path.join(ROOT, 'node_modules', name)
  const meta = require(path.join(dir, 'package.json'))
  const from = path.join(dir, meta.miniprogram || 'miniprogram_dist')
  if (!fs.existsSync(from)) throw new Error(`${name} has no mini-program folder (${from})`)
  fs.cpSync(from, path.join(OUT, name), { recursive: true })
}
