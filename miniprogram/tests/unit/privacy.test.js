const { render, text, tap } = require('../support/page')

test('says what is collected, why, for how long, and opens the formal notice', async () => {
  provideWx({ openPrivacyContract: jest.fn() })
  const page = render('pages/privacy/index')
  const all = page.dom.textContent
  for (const heading of ['我们收集什么', '为什么收集', '存多久', '谁能看到']) expect(all).toContain(heading)
  expect(all).toContain('不同意也能签到')
  await tap(page, '#contract')
  expect(wx.openPrivacyContract).toHaveBeenCalled()
  expect(text(page, '#contract')).toContain('隐私保护指引')
})
