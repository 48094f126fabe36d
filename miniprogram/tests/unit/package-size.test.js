// WeChat allows 2 MB per package; the main package stays small (the keepers' pages are a sub-package).
const { sizes, LIMIT } = require('../../scripts/package-size')

test('each package is under 2 MB, and the main package under 1.5 MB (what code quality checks flag)', () => {
  const all = sizes()
  expect(Object.keys(all)).toEqual(['main', 'keeper'])
  for (const s of Object.values(all)) expect(s.bytes).toBeLessThan(LIMIT)
  expect(all.main.bytes).toBeLessThan(1.5 * 1024 * 1024)
  // the walk found Vant's files through usingComponents, require() and @import
  expect(all.main.files).toBeGreaterThan(50)
})
