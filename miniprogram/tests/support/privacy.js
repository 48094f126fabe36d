// The e2e tests' worker answers the privacy notice on its page, as a person who taps 保存 with every
// feature allowed: the backend then uses their location at check-in (README "Privacy").
const { render, waitFor, text, tap } = require('./page')

async function agreeToNotice() {
  provideWx({ showToast: () => {} })
  const page = render('pages/privacy/index')
  await page.instance.onLoad()
  await waitFor(() => text(page, '#title'), { what: 'the privacy notice' })
  await tap(page, '#agree')
  await waitFor(() => !page.querySelector('#ask'), { what: 'the consent saved' })
  return page
}

/** A WeChat user at a place (asPerson) who has consented to the latest notice. */
async function asConsentingPerson(openid, location) {
  asPerson(openid, location)
  await agreeToNotice()
}

module.exports = { agreeToNotice, asConsentingPerson }
