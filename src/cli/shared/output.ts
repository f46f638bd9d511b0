import { toJson } from '../../shared/to-json.js'
import type { CliContext } from './context.js'


/** Prints a command's result: JSON with --json, else the human rendering. */
export function printResult(ctx: CliContext, json: boolean | undefined, result: unknown, human: () => string): void {
  ctx.stdout((json === true ? toJson(result) : human()) + '\n')
}

/** Formats wei as DEAI with up to 4 decimals. */
export function formatDeai(wei: bigint): string {
  const negative = wei < 0n
  const abs = negative ? -wei : wei
  const whole = abs / 10n ** 18n
  const frac = (abs % 10n ** 18n).toString().padStart(18, '0').slice(0, 4).replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole.toLocaleString('en-US')}${frac === '' ? '' : `.${frac}`} DEAI`
}
