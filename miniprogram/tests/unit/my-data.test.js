const { render, text, tap, waitFor } = require('../support/page')
const { fakeBackend } = require('../support/fake-backend')

const MINE = {
  exported_at: '2026-12-03T10:00:00Z',
  data: {
    identity: { openid: 'o-me', worker_group: 'courier' },
    visits: [{ id: 1 }, { id: 2 }],
    ratings: [{ id: 7, comment: '水很热' }],
    consents: [{ feature: 'location' }],
    keeping: { bindings: [], codes_redeemed: [], status_posts: [] },
    walk_ins_recorded: [],
    audit_entries: [],
  },
}

test('summarises everything held about me and hands it over whole, as a JSON file or copied', async () => {
  const files = {}
  const shared = []
  const copied = []
  provideWx({
    env: { USER_DATA_PATH: 'wxfile://usr' },
    getFileSystemManager: () => ({ writeFileSync: (path, data) => (files[path] = data) }),
    shareFileMessage: (o) => shared.push(o),
    setClipboardData: (o) => copied.push(o.data),
  })
  fakeBackend({ 'GET /me/data': () => MINE })
  const page = render('pages/my-data/index')
  await page.instance.onLoad()
  await waitFor(() => text(page, '#row-visits'))
  expect(text(page, '#row-visits')).toContain('2 条')
  expect(text(page, '#row-ratings')).toContain('1 条')
  expect(text(page, '#row-consents')).toContain('1 条')
  await tap(page, '#save')
  expect(JSON.parse(files['wxfile://usr/yizhan-my-data.json'])).toEqual(MINE)
  expect(shared[0]).toMatchObject({ filePath: 'wxfile://usr/yizhan-my-data.json', fileName: 'yizhan-my-data.json' })
  await tap(page, '#copy')
  expect(JSON.parse(copied[0])).toEqual(MINE)
})
