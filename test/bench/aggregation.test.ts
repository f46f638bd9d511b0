import { expect, test } from 'vitest'
import { benchAggregation } from '../../bench/aggregation.js'

test('benchAggregation measures every rule beside the copy probe and prints a table', () => {
  const lines: string[] = []
  const rows = benchAggregation({ n: 7, d: 20_000, repeats: 1, print: (line) => lines.push(line) })
  expect(rows.map((r) => r.name)).toEqual(['memcpy', 'fedavg', 'median', 'trimmed-mean', 'krum', 'multi-krum', 'bulyan'])
  expect(rows[0]!.ratioToCopy).toBe(1)
  for (const row of rows) {
    expect(row.ms).toBeGreaterThanOrEqual(0)
    expect(row.ratioToCopy).toBeCloseTo(row.gbPerSecond / rows[0]!.gbPerSecond, 9)
  }
  expect(lines).toHaveLength(2 + rows.length)
  expect(lines[0]).toContain('n = 7')
})
