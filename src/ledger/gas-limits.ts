/** The largest gas a transaction may use under Osaka (EIP-7825). */
export const TRANSACTION_GAS_CAP = 16_777_216n
