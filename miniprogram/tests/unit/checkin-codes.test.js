// Every error code the check-in can answer, as the OpenAPI document lists it (x-error-codes), has
// its own Chinese message on screen: a code added to the backend without one fails here.
const { checkInErrorCodes, errorCodes } = require('../support/openapi')
const { CHECKIN, checkInOutcome } = require('../../src/utils/messages')

const codes = checkInErrorCodes()

test("the document lists the check-in's refusals", () => {
  expect(codes).toEqual(expect.arrayContaining(['too_far', 'scan_invalid', 'sign_outdated', 'station_closed', 'station_not_open', 'station_not_in_service', 'station_closed_temporarily', 'rate_limited']))
})

test.each(codes)('check-in error %s has a Chinese message on screen', (code) => {
  expect(Object.keys(CHECKIN)).toContain(code)
  const outcome = checkInOutcome({ code, message: '服务端的说明', details: { distance_m: 512, limit_m: 300 }, retryAfter: 30 })
  expect(outcome.title).toMatch(/[\u4e00-\u9fff]/)
  expect(`${outcome.title}${outcome.detail || ''}`).not.toMatch(/[a-z]+_[a-z]+/)
})

test('an operation without a list fails rather than passing with none', () => {
  const spec = { paths: { '/api/mp/v1/checkins': { post: { responses: {} } } } }
  expect(() => errorCodes(spec, 'post', '/api/mp/v1/checkins')).toThrow('lists no x-error-codes')
})
