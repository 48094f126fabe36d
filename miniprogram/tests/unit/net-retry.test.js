const { render, text, tap, settle } = require('../support/page')
const fx = require('../support/fixtures')
const path = require('path')
const simulate = require('miniprogram-simulate')
const { SRC } = require('../support/page')

const netRetry = simulate.load(path.join(SRC, 'components/net-retry/index'), { rootPath: SRC })

describe('net-retry', () => {
  test('shows the message and fires retry', async () => {
    const fired = []
    const host = simulate.render(
      simulate.load({
        template: '<net-retry id="r" message="网络不通" bind:retry="onRetry" />',
        usingComponents: { 'net-retry': netRetry },
        methods: { onRetry: () => fired.push('retry') },
      }),
    )
    host.attach(document.createElement('parent-wrapper'))
    expect(text(host, '#r >>> .retry-text')).toBe('网络不通')
    await tap(host, '#r >>> #retry-button')
    expect(fired).toEqual(['retry'])
  })
})


describe('live-status (no component library)', () => {
  test('each amenity with its age; a temporary closure and a note come first and last', async () => {
    const comp = render('components/live-status/index', {
      status: fx.liveStatus({
        water: { state: 'unknown', age_seconds: null, updated_at: null },
        station: { state: 'closed_temporarily', reason: '停水检修', until: '2026-12-03T10:00:00Z', age_seconds: 300, updated_at: '2026-12-03T08:00:00Z' },
        note: { text: '门口有热水', age_seconds: 120, updated_at: '2026-12-03T08:00:00Z' },
      }),
    })
    await settle()
    const rows = comp.querySelectorAll('.live-row').map((r) => r.dom.textContent)
    expect(rows[0]).toContain('临时关闭（停水检修）')
    expect(rows[0]).toContain('12月3日 18:00')
    expect(rows[1]).toContain('饮水情况不明')
    expect(rows[1]).toContain('没人更新过')
    expect(rows[2]).toContain('2 小时前')
    expect(rows[4]).toContain('门口有热水')
  })
})

