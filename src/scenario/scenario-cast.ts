import type { PrivateKeyAccount } from 'viem'
import type { Scenario } from './scenario-schema.js'

/** A scenario participant's role, as the report names it. */
export type MemberRole = 'verifier' | 'trainer' | 'validator' | 'aggregator' | 'proposer' | 'data-provider' | 'inference-provider' | 'stranger'

/** One participant of a scenario: its report id, role, behaviour and key. */
export type Member = { id: string; role: MemberRole; behaviour: string; account: PrivateKeyAccount }

type TrainerGroup = Scenario['participants']['trainers'][number]
type ValidatorGroup = Scenario['participants']['validators'][number]

/** Everyone a scenario names, each with its own funded key, in a fixed order. */
export type ScenarioCast = {
  deployer: PrivateKeyAccount
  proposer: Member
  verifiers: Member[]
  /** A grinding proposer's verifiers. */
  sybilVerifiers: Member[]
  trainers: (Member & { group: TrainerGroup })[]
  validators: (Member & { group: ValidatorGroup })[]
  aggregators: Member[]
  dataProviders: Member[]
  inferenceProviders: Member[]
  strangers: Member[]
  /** Every member, in the order above (the order accounts are funded and rewards claimed). */
  members: Member[]
}

function expand<G extends { count: number }>(groups: readonly G[]): G[] {
  return groups.flatMap((g) => Array.from({ length: g.count }, () => g))
}

/** How many accounts a scenario needs: the deployer, the proposer and every participant. */
export function castSize(scenario: Scenario): number {
  const p = scenario.participants
  const sybils = p.proposer.behaviour === 'grinder' ? (p.proposer.sybilVerifiers ?? 3) : 0
  return 2 + p.verifiers + sybils + expand(p.trainers).length + expand(p.validators).length + p.aggregators + p.dataProviders + p.inferenceProviders + expand(p.strangers).length
}

/**
 * Names the scenario's participants and hands each a key, in a fixed order (deployer,
 * proposer, verifiers, a grinder's sybil verifiers, trainers, validators, aggregators, data
 * providers, inference providers, strangers), so the same scenario gives the same addresses.
 */
export function castScenario(scenario: Scenario, accounts: readonly PrivateKeyAccount[]): ScenarioCast {
  const p = scenario.participants
  let next = 0
  const take = (): PrivateKeyAccount => {
    const account = accounts[next++]
    if (account === undefined) throw new RangeError(`the scenario needs ${castSize(scenario)} accounts; the ledger has ${accounts.length}`)
    return account
  }
  const many = (n: number, prefix: string, role: MemberRole, behaviour: string): Member[] =>
    Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i + 1}`, role, behaviour, account: take() }))
  const deployer = take()
  const proposer: Member = { id: 'proposer', role: 'proposer', behaviour: p.proposer.behaviour, account: take() }
  const verifiers = many(p.verifiers, 'verifier', 'verifier', 'honest')
  const sybilVerifiers = many(p.proposer.behaviour === 'grinder' ? (p.proposer.sybilVerifiers ?? 3) : 0, 'grinder-verifier', 'verifier', 'grinder')
  const trainers = expand(p.trainers).map((group, i) => ({ id: `trainer-${i + 1}`, role: 'trainer' as const, behaviour: group.behaviour as string, account: take(), group }))
  const validators = expand(p.validators).map((group, i) => ({ id: `validator-${i + 1}`, role: 'validator' as const, behaviour: group.behaviour as string, account: take(), group }))
  const aggregators = many(p.aggregators, 'aggregator', 'aggregator', 'honest')
  const dataProviders = many(p.dataProviders, 'data-provider', 'data-provider', 'honest')
  const inferenceProviders = many(p.inferenceProviders, 'inference-provider', 'inference-provider', 'honest')
  const strangers = expand(p.strangers).map((g, i) => ({ id: `stranger-${i + 1}`, role: 'stranger' as const, behaviour: g.behaviour as string, account: take() }))
  const members: Member[] = [proposer, ...verifiers, ...sybilVerifiers, ...trainers, ...validators, ...aggregators, ...dataProviders, ...inferenceProviders, ...strangers]
  return { deployer, proposer, verifiers, sybilVerifiers, trainers, validators, aggregators, dataProviders, inferenceProviders, strangers, members }
}
