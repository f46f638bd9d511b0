import { beforeAll, describe, expect, test } from 'vitest'
import { parseEther } from 'viem'
import type { Address, PrivateKeyAccount } from 'viem'
import { roleId } from '../../src/ledger/contracts/roles.js'
import { writeContract } from '../../src/ledger/write-contract.js'
import { createPrng } from '../helpers/prng.js'
import { accountAt, createProtocolFixture } from '../helpers/protocol-fixture.js'
import type { ProtocolFixture } from '../helpers/protocol-fixture.js'
import { bytes32Of } from '../helpers/task-flow.js'

const SEED = 2002
const VERIFIER = roleId('verifier')
const STAKERS = 6
const DRAWS = 2400
/** Chi-square critical value for 5 degrees of freedom at p = 0.001. */
const CHI_SQUARE_5_DF_P001 = 20.515

let fx: ProtocolFixture
let stakers: PrivateKeyAccount[]
let stakes: bigint[]

function draw(seed: string, count: bigint, exclude: Address = '0x0000000000000000000000000000000000000000', minimum = 0n) {
  return fx.ledger.client.readContract({ ...fx.stakeManager, functionName: 'drawByStake', args: [0n, VERIFIER, bytes32Of(seed), count, exclude, minimum] })
}

beforeAll(async () => {
  fx = await createProtocolFixture({ accounts: 1 + STAKERS })
  const random = createPrng(SEED)
  stakers = Array.from({ length: STAKERS }, (_, i) => accountAt(fx, 1 + i))
  // Stakes between 100 and 2,000 DEAI, in whole DEAI.
  stakes = stakers.map(() => parseEther(String(100 + random.nextInt(1901))))
  for (const [i, s] of stakers.entries()) {
    await writeContract(fx.ledger, s, { ...fx.token, functionName: 'approve', args: [fx.stakeManager.address, stakes[i]!] })
    await writeContract(fx.ledger, s, { ...fx.stakeManager, functionName: 'stake', args: [0n, VERIFIER, stakes[i]!] })
  }
})

describe('StakeManager.drawByStake', () => {
  test('draws in proportion to active stake', async () => {
    const total = stakes.reduce((a, b) => a + b, 0n)
    const index = new Map(stakers.map((s, i) => [s.address, i]))
    const counts = new Array<number>(STAKERS).fill(0)
    // One call at a time: the embedded chain serves concurrent calls far slower.
    for (let i = 0; i < DRAWS; i++) {
      const [chosen] = await draw(`proportional ${i}`, 1n)
      const at = index.get(chosen ?? '0x')
      if (at === undefined) throw new Error(`drew ${String(chosen)}, not a staker`)
      counts[at]! += 1
    }
    const expected = stakes.map((s) => (Number(s) / Number(total)) * DRAWS)
    const chiSquare = counts.reduce((sum, observed, i) => sum + (observed - expected[i]!) ** 2 / expected[i]!, 0)
    expect(chiSquare).toBeLessThan(CHI_SQUARE_5_DF_P001)
    for (const [i, observed] of counts.entries()) expect(Math.abs(observed - expected[i]!) / DRAWS).toBeLessThan(0.03)
  })

  test('draws without replacement, leaves out the excluded owner and those below the minimum', async () => {
    const sorted = [...stakes].sort((a, b) => (a < b ? -1 : 1))
    const minimum = sorted[2]! // the two smallest stakers are not eligible
    const eligible = stakers.filter((_, i) => stakes[i]! >= minimum)
    const excluded = eligible[0]!.address
    for (let i = 0; i < 200; i++) {
      const chosen = await draw(`distinct ${i}`, 3n, excluded, minimum)
      expect(chosen).toHaveLength(3)
      expect(new Set(chosen).size).toBe(3)
      expect(chosen).not.toContain(excluded)
      for (const c of chosen) expect(eligible.map((e) => e.address)).toContain(c)
    }
    // Asking for more than are eligible returns every eligible owner once.
    const all = await draw('everyone', 10n, excluded, minimum)
    expect([...all].sort()).toEqual(eligible.map((e) => e.address).filter((a) => a !== excluded).sort())
    expect(await draw('nobody', 3n, excluded, parseEther('1000000'))).toEqual([])
  })
})
