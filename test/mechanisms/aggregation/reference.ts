/**
 * Straightforward reference implementations (sort everything, recompute everything) that the
 * optimised rules are compared with on random inputs.
 */

export function column(updates: readonly Float32Array[], i: number): number[] {
  return updates.map((u) => u[i]!)
}

export function refMedian(updates: readonly Float32Array[]): Float32Array {
  const d = updates[0]!.length
  return Float32Array.from({ length: d }, (_, i) => {
    const c = column(updates, i).sort((a, b) => a - b)
    const n = c.length
    return n % 2 === 1 ? c[(n - 1) / 2]! : (c[n / 2 - 1]! + c[n / 2]!) / 2
  })
}

export function refTrimmedMean(updates: readonly Float32Array[], beta: number): Float32Array {
  const d = updates[0]!.length
  const n = updates.length
  const cut = Math.trunc(beta * n)
  return Float32Array.from({ length: d }, (_, i) => {
    const kept = column(updates, i)
      .sort((a, b) => a - b)
      .slice(cut, n - cut)
    return kept.reduce((s, v) => s + v, 0) / kept.length
  })
}

export function refDistance(x: Float32Array, y: Float32Array): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += (x[i]! - y[i]!) ** 2
  return s
}

export function refKrumScores(updates: readonly Float32Array[], f: number): number[] {
  const n = updates.length
  const m = Math.max(1, n - f - 2)
  return updates.map((x, i) => {
    const others = updates
      .filter((_, j) => j !== i)
      .map((y) => refDistance(x, y))
      .sort((a, b) => a - b)
    return others.slice(0, m).reduce((s, v) => s + v, 0)
  })
}

export function refKrumIndex(updates: readonly Float32Array[], f: number): number {
  const scores = refKrumScores(updates, f)
  let best = 0
  for (let i = 1; i < scores.length; i++) if (scores[i]! < scores[best]!) best = i
  return best
}

export function refWeightedMean(updates: readonly Float32Array[], weights: readonly number[]): Float32Array {
  const d = updates[0]!.length
  const total = weights.reduce((s, w) => s + w, 0)
  return Float32Array.from({ length: d }, (_, i) => updates.reduce((s, u, k) => s + u[i]! * weights[k]!, 0) / total)
}

/** Bulyan as the paper describes it: Krum recomputed on the remaining set, θ times. */
export function refBulyan(updates: readonly Float32Array[], f: number): { kept: number[]; aggregate: Float32Array } {
  const n = updates.length
  const theta = n - 2 * f
  const beta = theta - 2 * f
  const remaining = updates.map((_, i) => i)
  const kept: number[] = []
  for (let r = 0; r < theta; r++) {
    const local = refKrumIndex(
      remaining.map((i) => updates[i]!),
      f,
    )
    kept.push(remaining[local]!)
    remaining.splice(local, 1)
  }
  const chosen = kept.map((i) => updates[i]!)
  const med = refMedian(chosen)
  const d = updates[0]!.length
  const aggregate = Float32Array.from({ length: d }, (_, i) => {
    const ref = med[i]!
    const nearest = column(chosen, i)
      .sort((a, b) => Math.abs(a - ref) - Math.abs(b - ref) || a - b)
      .slice(0, beta)
    return nearest.reduce((s, v) => s + v, 0) / beta
  })
  return { kept, aggregate }
}
