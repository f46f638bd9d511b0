/** One mined transaction's gas, labelled by what it did and who paid. */
export type GasRecord = { label: string; from: `0x${string}`; gasUsed: bigint; block: bigint; hash: `0x${string}` }

/** Collects gas per transaction so reports and benchmarks can break it down. */
export interface GasMeter {
  record(entry: GasRecord): void
  readonly records: readonly GasRecord[]
  /** Total gas per label. */
  byLabel(): Map<string, { count: number; total: bigint }>
}

export function createGasMeter(): GasMeter {
  const records: GasRecord[] = []
  return {
    records,
    record: (entry) => void records.push(entry),
    byLabel() {
      const totals = new Map<string, { count: number; total: bigint }>()
      for (const r of records) {
        const t = totals.get(r.label) ?? { count: 0, total: 0n }
        t.count++
        t.total += r.gasUsed
        totals.set(r.label, t)
      }
      return totals
    },
  }
}
