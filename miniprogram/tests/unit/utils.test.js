const { age, distance, chinaDate, chinaTime, seatsText } = require('../../src/utils/format')
const { fromQuery, pageForScan } = require('../../src/utils/entry')
const { waitText, messageFor, KEEPER } = require('../../src/utils/messages')

test('ages and distances in plain words', () => {
  expect([age(null), age(30), age(600), age(7200), age(3 * 86400)]).toEqual(['没人更新过', '刚刚', '10 分钟前', '2 小时前', '3 天前'])
  expect([distance(231.4), distance(1520), distance(null)]).toEqual(['231 米', '1.5 公里', ''])
  expect([seatsText({ state: 'full' }), seatsText({ state: 'available', seats_free: 0 }), seatsText({ state: 'unknown' })]).toEqual(['座位已满', '空座位 0 个', '座位情况不明'])
})

test("China's calendar: 16:00 UTC is already the next day", () => {
  expect(chinaDate(Date.parse('2026-12-03T15:59:59Z'))).toBe('2026-12-03')
  expect(chinaDate(Date.parse('2026-12-03T16:00:01Z'))).toBe('2026-12-04')
  expect(chinaTime('2026-12-31T16:05:00Z')).toBe('1月1日 00:05')
})

test('how the station page was opened', () => {
  const q = encodeURIComponent('https://yizhan.example.cn/s/FC0001?k=1.abcdefghijkl')
  expect(fromQuery({ q, scancode_time: '1764748800' })).toEqual({ scan: q, lookup: { q }, code: null })
  expect(fromQuery({ scene: 'FC0001.1.abcdefghijkl' })).toEqual({ scan: 'FC0001.1.abcdefghijkl', lookup: { scene: 'FC0001.1.abcdefghijkl' }, code: null })
  expect(fromQuery({ code: 'FC0001' })).toEqual({ scan: null, lookup: null, code: 'FC0001' })
  expect(pageForScan({ path: 'pages/station/index?scene=FC0001.1.abc' })).toBe('/pages/station/index?scene=FC0001.1.abc')
  expect(pageForScan({ result: 'not a url' })).toBeNull()
})

test('waits and fallbacks', () => {
  expect([waitText(null), waitText(30), waitText(61)]).toEqual(['请稍等一会儿再试', '请 30 秒后再试', '请 2 分钟后再试'])
  expect(messageFor({ network: true })).toContain('网络不通')
  expect(messageFor({ code: 'keeper_code_used', message: 'x' }, KEEPER)).toContain('已经用过了')
  expect(messageFor({ code: 'something_new', message: '服务端的中文说明' }, KEEPER)).toBe('服务端的中文说明')
})
