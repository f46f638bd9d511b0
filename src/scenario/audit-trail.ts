import { parseEventLogs } from 'viem'
import type { Abi, Address } from 'viem'
import type { Protocol } from '../ledger/protocol.js'
import type { Training } from '../ledger/training.js'
import type { AuditEvent } from './run-report.js'

/**
 * Every event the protocol's contracts emitted since deployment, decoded, in chain order with
 * transaction hashes: the public record a run leaves.
 */
export async function auditTrail(protocol: Protocol, training?: Training): Promise<AuditEvent[]> {
  const contracts: { name: string; address: Address; abi: Abi }[] = [
    { name: 'DeaiToken', ...protocol.token },
    { name: 'StakeManager', ...protocol.stakeManager },
    { name: 'TaskRegistry', ...protocol.taskRegistry },
    { name: 'TrainingFactory', ...protocol.trainingFactory },
    { name: 'DataRegistry', ...protocol.dataRegistry },
    { name: 'ModelRegistry', ...protocol.modelRegistry },
    { name: 'InferenceLog', ...protocol.inferenceLog },
    ...(training === undefined ? [] : [{ name: `TrainingRounds(task ${training.taskId})`, address: training.address, abi: training.abi as Abi }]),
  ]
  const logs = await protocol.ledger.client.getLogs({
    address: contracts.map((c) => c.address),
    fromBlock: BigInt(protocol.deployment.blockNumber),
  })
  const events: AuditEvent[] = []
  for (const c of contracts) {
    const own = logs.filter((l) => l.address.toLowerCase() === c.address.toLowerCase())
    for (const log of parseEventLogs({ abi: c.abi, logs: own })) {
      events.push({
        block: log.blockNumber,
        transaction: log.transactionHash,
        logIndex: log.logIndex,
        contract: c.name,
        event: log.eventName,
        args: { ...(log.args as Record<string, unknown>) },
      })
    }
  }
  return events.sort((a, b) => (a.block === b.block ? a.logIndex - b.logIndex : a.block < b.block ? -1 : 1))
}
