/** "2026-01-08T00:00:00.000Z (in 3 h 20 min)" or "(5 s ago)": a chain time and how far it is from `now`. */
export function describeWhen(at: bigint, now: bigint): string {
  const iso = new Date(Number(at) * 1000).toISOString()
  const delta = at - now
  return `${iso} (${delta >= 0n ? `in ${describeDuration(delta)}` : `${describeDuration(-delta)} ago`})`
}

/** "45 s", "1 min 30 s", "3 h 20 min", "5 d 2 h": a number of seconds for people (to the second under an hour). */
export function describeDuration(seconds: bigint): string {
  const s = Number(seconds)
  if (s < 60) return `${s} s`
  const parts: string[] = []
  const days = Math.floor(s / 86400)
  const hours = Math.floor((s % 86400) / 3600)
  const minutes = Math.floor((s % 3600) / 60)
  if (days > 0) parts.push(`${days} d`)
  if (hours > 0) parts.push(`${hours} h`)
  if (minutes > 0 && days === 0) parts.push(`${minutes} min`)
  if (s % 60 > 0 && s < 3600) parts.push(`${s % 60} s`)
  return parts.join(' ')
}
