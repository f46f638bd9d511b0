import { cidToDigest, digestToCid } from '../../content/cid-digest.js'
import type { ContentCodec } from '../../content/cid-digest.js'
import type { CidLike } from '../../content/content-store.js'
import type { Hex } from 'viem'
import { DeaiError } from '../../errors/base.js'
import { CONTRACT_ENUMS } from './generated/protocol-constants.js'

const { Codec } = CONTRACT_ENUMS.ITrainingRounds
/** Codecs as the training contract numbers them (ITrainingRounds.Codec). */
const CODEC_IDS: Readonly<Record<ContentCodec, number>> = { raw: Codec.Raw, 'dag-pb': Codec.DagPb, 'dag-json': Codec.DagJson }
const CODEC_NAMES = Object.keys(CODEC_IDS) as ContentCodec[]

/** A CID as contracts store it: the sha2-256 digest and the codec id. */
export type OnChainDigest = { digest: Hex; codec: number }

/** Splits a CID into what goes on chain. */
export function toOnChainDigest(cid: CidLike): OnChainDigest {
  const { digest, codec } = cidToDigest(cid)
  return { digest, codec: CODEC_IDS[codec] }
}

/** Rebuilds the CID from what a contract stored. */
export function fromOnChainDigest(digest: Hex, codec: number): string {
  const name = CODEC_NAMES.find((n) => CODEC_IDS[n] === codec)
  if (name === undefined) {
    throw new DeaiError('CONTENT_WRONG_KIND', `codec id ${codec} from the chain is not one deai stores`, {
      fixes: ['the contract and this client disagree on codec ids (0 raw, 1 dag-pb, 2 dag-json); upgrade the client'],
    })
  }
  return digestToCid({ digest, codec: name })
}
