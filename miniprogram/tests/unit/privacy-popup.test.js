const { render, waitFor, text, tap, settle } = require('../support/page')
const { fakeBackend, reply } = require('../support/fake-backend')
const fx = require('../support/fixtures')

// One file per component: a component library loaded under two roots in one file registers only once.

describe('privacy-popup', () => {
  test('shows when WeChat needs consent and answers agree with the button id', async () => {
    let need
    provideWx({ onNeedPrivacyAuthorization: (fn) => (need = fn), openPrivacyContract: jest.fn() })
    const comp = render('components/privacy-popup/index')
    const answers = []
    need((choice) => answers.push(choice))
    await settle()
    expect(comp.data.show).toBe(true)
    await tap(comp, '#contract')
    expect(wx.openPrivacyContract).toHaveBeenCalled()
    comp.instance.agree()
    expect(answers).toEqual([{ event: 'agree', buttonId: 'agree-privacy' }])
    expect(comp.data.show).toBe(false)
  })

  test('不同意 answers disagree', async () => {
    let need
    provideWx({ onNeedPrivacyAuthorization: (fn) => (need = fn) })
    const comp = render('components/privacy-popup/index')
    const answers = []
    need((choice) => answers.push(choice))
    expect(comp.data.show).toBe(true)
    comp.instance.refuse()
    expect(answers).toEqual([{ event: 'disagree' }])
  })
})
