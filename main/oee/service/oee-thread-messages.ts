// The messages between the OEE service (main thread) and the OEE thread (oee-thread.ts).
import type { OeeComputation, OeeComputationInput } from './oee-computation'

export interface OeeThreadRequest {
  id: number
  input: OeeComputationInput
}

export type OeeThreadReply = { id: number; ok: true; value: OeeComputation } | { id: number; ok: false; error: { message: string; name: string } }
