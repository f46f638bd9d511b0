import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parseScenario } from '../../src/scenario/load-scenario.js'
import { runScenario } from '../../src/scenario/run-scenario.js'
import { writeReport } from '../../src/scenario/write-report.js'

const CHROMIUM = '/usr/bin/chromium'

describe('the HTML report in a headless browser', () => {
  let dir: string
  let html: string
  beforeAll(async () => {
    expect(existsSync(CHROMIUM), 'Debian chromium is needed: ./scripts/setup.sh --test installs it').toBe(true)
    dir = await mkdtemp(join(tmpdir(), 'deai-report-'))
    const report = await runScenario(parseScenario({
      seed: 11,
      task: { rounds: 1, examplesPerTrainer: 200, validationExamples: 100, testExamples: 300, budget: 500 },
      participants: { trainers: [{ count: 3 }, { count: 1, behaviour: 'label-flip' }], validators: [{ count: 2 }], verifiers: 3 },
    }))
    html = (await writeReport(report, dir, 'tiny.yaml')).html
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('opens with no network and no console errors, and draws every chart', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
    try {
      const page = await browser.newPage()
      const problems: string[] = []
      const requests: string[] = []
      page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())))
      page.on('pageerror', (e) => void problems.push(String(e)))
      page.on('request', (r) => void (r.url().startsWith('file:') || requests.push(r.url())))
      await page.goto(pathToFileURL(html).href)
      // Page code runs in the browser; written as strings so Node's types do not apply.
      await page.waitForFunction('document.body.dataset.chartsDrawn !== undefined')
      expect(problems).toEqual([])
      expect(requests).toEqual([])
      const canvases = (await page.evaluate(`[...document.querySelectorAll('canvas')].map((c) => {
        const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height)
        let inked = 0
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++
        return { id: c.id, inked }
      })`)) as { id: string; inked: number }[]
      expect(canvases.map((c) => c.id)).toEqual(['accuracy', 'rewards', 'participants', 'stake', 'metrics-stake', 'metrics-rewards', 'metrics-validationPower', 'gas', 'attacks'])
      for (const c of canvases) expect(c.inked, c.id).toBeGreaterThan(500)
      expect(await page.textContent('h1')).toContain('deai run')
    } finally {
      await browser.close()
    }
  })
})
