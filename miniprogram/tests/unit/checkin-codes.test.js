// Every error code the check-in can answer has its own Chinese message in the client.
const { checkInErrorCodes, openapi } = require('../support/openapi')
const { CHECKIN, checkInOutcome } = require('../../src/utils/messages')

const { source, codes } = checkInErrorCodes()

test(`the backend's check-in error codes (from the ${source}) are known`, () => {
  expect(codes).toEqual(expect.arrayContaining(['too_far', 'scan_invalid', 'sign_outdated', 'station_closed', 'station_not_open', 'station_not_in_service', 'station_closed_temporarily', 'rate_limited']))
})

test.each(codes)('check-in error %s has a Chinese message on screen', (code) => {
  expect(Object.keys(CHECKIN)).toContain(code)
  const outcome = checkInOutcome({ code, message: '服务端的说明', details: { distance_m: 512, limit_m: 300 }, retryAfter: 30 })
  expect(outcome.title).toMatch(/[\u4e00-\u9fff]/)
  expect(`${outcome.title}${outcome.detail || ''}`).not.toMatch(/[a-z]+_[a-z]+/)
})

test('the list in the document wins once it has one (x-error-codes on the operation)', () => {
  const spec = { paths: { '/api/mp/v1/checkins': { post: { 'x-error-codes': [{ status: 403, code: 'too_far' }, { status: 400, code: 'bad_request' }], responses: {} } } } }
  expect(checkInErrorCodes(spec)).toEqual({ source: 'openapi', codes: ['too_far', 'bad_request'] })
  expect(typeof openapi).toBe('function')
})
