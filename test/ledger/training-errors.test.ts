import { describe, test } from 'vitest'
import { publishModel } from '../../src/ledger/actions/market/publish-model.js'
import { getRound } from '../../src/ledger/actions/training/get-round.js'
import type { Lineage } from '../../src/ledger/contracts/lineage.js'
import { expectDeaiError } from '../helpers/expect-deai-error.js'
import { sdkTraining } from '../helpers/stages-flow.js'
import { createTraining, createTrainingCast, openTask, trainingConfig } from '../helpers/training-flow.js'

const MODEL_CID = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'

describe('a training read or published out of turn', () => {
  test('a round that has not opened cannot be read, and a lineage the store misfiles is not published', async () => {
    const { fx, proposer, verifiers } = await createTrainingCast({ trainers: 0, validators: 0, aggregators: 0 })
    const taskId = await openTask(fx, proposer, verifiers)
    const { training } = await createTraining(fx, proposer, taskId, trainingConfig())
    await expectDeaiError(getRound(sdkTraining(fx, taskId, training), 2n), 'TRAINING_ROUND_NOT_OPEN')

    const lineage: Lineage = {
      version: 1,
      chainId: fx.ledger.chain.id,
      taskId: taskId.toString(),
      training: training.address,
      dataRegistry: fx.protocol.deployment.contracts.dataRegistry,
      finalRound: 0,
      model: MODEL_CID,
      rounds: [],
      shards: [],
    }
    const misfiling = { putJson: async () => MODEL_CID }
    await expectDeaiError(publishModel(fx.protocol, proposer, { taskId, lineage, store: misfiling }), 'LINEAGE_CID_MISMATCH')
  })
})
