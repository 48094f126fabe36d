// Two projects: `unit` (every wx call provided by the test) and `e2e` (the real backend, started by
// tests/test_miniprogram_e2e.py in the repository, which passes its URLs in env vars).
const shared = { testEnvironment: 'jsdom', rootDir: __dirname }

module.exports = {
  testTimeout: 30000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.js'], setupFilesAfterEnv: ['<rootDir>/tests/support/strict-wx.js'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/tests/e2e/**/*.test.js'], setupFilesAfterEnv: ['<rootDir>/tests/support/live-wx.js'] },
  ],
}
