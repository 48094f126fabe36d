// The size of each package as WeChat uploads it (it leaves out files nothing uses): the files a
// package's pages reach through usingComponents, require(), <wxs>/<import>/<include> and @import.
// WeChat allows 2 MB per package. `node scripts/package-size.js` prints them.
const fs = require('fs')
const path = require('path')

const SRC = path.resolve(__dirname, '..', 'src')
const LIMIT = 2 * 1024 * 1024

/** @param {string} from a file @param {string} ref a path as written in it */
function resolveRef(from, ref) {
  return ref.startsWith('/') ? path.join(SRC, ref) : path.resolve(path.dirname(from), ref)
}

const withExt = (base, ext) => (base.endsWith(ext) ? base : base + ext)

/** Every file the given component/page bases (without extension) reach. */
function reach(bases) {
  const seen = new Set()
  const todo = []
  const add = (file) => {
    if (fs.existsSync(file) && fs.statSync(file).isFile() && !seen.has(file)) {
      seen.add(file)
      todo.push(file)
    }
  }
  for (const base of bases) for (const ext of ['.js', '.json', '.wxml', '.wxss']) add(base + ext)
  while (todo.length) {
    const file = todo.pop()
    const text = fs.readFileSync(file, 'utf8')
    if (file.endsWith('.json')) {
      const using = JSON.parse(text).usingComponents || {}
      for (const ref of Object.values(using)) {
        const base = resolveRef(file, /** @type {string} */ (ref))
        for (const ext of ['.js', '.json', '.wxml', '.wxss']) add(base + ext)
        for (const ext of ['.js', '.json', '.wxml', '.wxss']) add(path.join(base, 'index') + ext)
      }
    } else if (file.endsWith('.js') || file.endsWith('.wxs')) {
      for (const m of text.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const target = resolveRef(file, m[1])
        add(withExt(target, path.extname(target) === '.wxs' ? '.wxs' : '.js'))
        add(path.join(target, 'index.js'))
      }
    } else if (file.endsWith('.wxml')) {
      for (const m of text.matchAll(/<(?:wxs|import|include)[^>]*\bsrc=["']([^"']+)["']/g)) add(resolveRef(file, m[1]))
    } else if (file.endsWith('.wxss')) {
      for (const m of text.matchAll(/@import\s+['"]([^'"]+)['"]/g)) add(resolveRef(file, m[1]))
    }
  }
  return seen
}

function sizes() {
  const app = JSON.parse(fs.readFileSync(path.join(SRC, 'app.json'), 'utf8'))
  const main = reach([path.join(SRC, 'app'), ...app.pages.map((p) => path.join(SRC, p))])
  for (const f of ['app.json', 'sitemap.json', 'config.js']) main.add(path.join(SRC, f))
  const bytes = (files) => [...files].reduce((n, f) => n + fs.statSync(f).size, 0)
  const result = { main: { files: main.size, bytes: bytes(main) } }
  for (const sub of app.subPackages || []) {
    const files = [...reach(sub.pages.map((p) => path.join(SRC, sub.root, p)))].filter((f) => !main.has(f))
    result[sub.root] = { files: files.length, bytes: bytes(files) }
  }
  return result
}

if (require.main === module) {
  for (const [name, s] of Object.entries(sizes())) {
    console.log(`${name}: ${(s.bytes / 1024).toFixed(1)} KB in ${s.files} files (limit ${LIMIT / 1024 / 1024} MB)`)
  }
}

module.exports = { sizes, LIMIT }
