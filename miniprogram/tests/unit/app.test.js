// app.json as WeChat reads it: every page exists, the privacy declarations are there.
const fs = require('fs')
const path = require('path')
const { SRC } = require('../support/page')

const app = JSON.parse(fs.readFileSync(path.join(SRC, 'app.json'), 'utf8'))
const pages = [...app.pages, ...(app.subPackages || []).flatMap((p) => p.pages.map((page) => `${p.root}/${page}`))]

test.each(pages)('page %s has its four files, and its JSON declares usingComponents (a Component page)', (page) => {
  for (const ext of ['js', 'json', 'wxml', 'wxss']) expect(fs.existsSync(path.join(SRC, `${page}.${ext}`))).toBe(true)
  const json = JSON.parse(fs.readFileSync(path.join(SRC, `${page}.json`), 'utf8'))
  expect(json.usingComponents).toBeDefined()
  expect(fs.readFileSync(path.join(SRC, `${page}.js`), 'utf8')).toMatch(/\bComponent\(\{/)
})

test('location is declared: requiredPrivateInfos and the permission text', () => {
  expect(app.requiredPrivateInfos).toEqual(['getLocation'])
  expect(app.permission['scope.userLocation'].desc).toMatch(/签到/)
})

test('app.js registers the app', () => {
  let registered = null
  global.App = (options) => (registered = options)
  try {
    jest.isolateModules(() => require(path.join(SRC, 'app.js')))
  } finally {
    delete global.App
  }
  expect(registered).toEqual({})
})
