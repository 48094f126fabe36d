// The worker's location, only after the platform's privacy consent (wx.requirePrivacyAuthorize,
// which shows our privacy-popup through wx.onNeedPrivacyAuthorization when consent is needed).
// Resolves null when the worker says no: callers go on without a location.

/** @returns {Promise<boolean>} */
function privacyConsent() {
  return new Promise((resolve) => {
    wx.requirePrivacyAuthorize({ success: () => resolve(true), fail: () => resolve(false) })
  })
}

/** @returns {Promise<{lat: number, lng: number}|null>} gcj02, the datum of WeChat's maps */
async function currentLocation() {
  if (!(await privacyConsent())) return null
  return new Promise((resolve) => {
    wx.getLocation({
      type: 'gcj02',
      success: (res) => resolve({ lat: res.latitude, lng: res.longitude }),
      fail: () => resolve(null),
    })
  })
}

module.exports = { privacyConsent, currentLocation }
