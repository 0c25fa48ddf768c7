import { type Argument, type ClientSession, DataType, resolveNodeId, type Variant } from 'node-opcua'
import { WorkbenchError } from '../../../preload/contract'
import type { WriteValue } from '../connector'
import { parseNodeId } from './browse'
import { plainValue } from './variant-value'
import { toWriteVariant } from './write-variant'

export interface MethodArgument {
  name: string
  dataType: string
  description?: string
  /** -1 scalar, 1 array. */
  valueRank: number
}

export interface MethodSignature {
  inputArguments: MethodArgument[]
  outputArguments: MethodArgument[]
}

import type { MethodCallResult } from '../protocol-module'

export type { MethodCallResult }

function describeArgument(argument: Argument): MethodArgument {
  const typeId = argument.dataType
  const dataType = typeId.namespace === 0 && typeof typeId.value === 'number' && DataType[typeId.value] ? DataType[typeId.value] : typeId.toString()
  return { name: argument.name ?? '', dataType, description: argument.description?.text ?? undefined, valueRank: argument.valueRank }
}

/** The InputArguments / OutputArguments properties of a method (empty lists when it has none). */
export async function readMethodSignature(session: ClientSession, methodId: string): Promise<MethodSignature> {
  const definition = await session.getArgumentDefinition(resolveNodeId(methodId))
  return { inputArguments: definition.inputArguments.map(describeArgument), outputArguments: definition.outputArguments.map(describeArgument) }
}

/** Calls a method on its object with inputs converted to the declared argument types. */
export async function callMethod(session: ClientSession, objectId: string, methodId: string, inputs: readonly WriteValue[]): Promise<MethodCallResult> {
  const [objectNode, methodNode] = [parseNodeId(objectId), parseNodeId(methodId)]
  const definition = await session.getArgumentDefinition(methodNode)
  if (inputs.length !== definition.inputArguments.length) {
    const names = definition.inputArguments.map((argument) => argument.name).join(', ') || 'none'
    throw new WorkbenchError(
      'INVALID_INPUT',
      `OPC UA ${methodId}: the method takes ${definition.inputArguments.length} input(s) (${names}), got ${inputs.length}`,
    )
  }
  const inputArguments = definition.inputArguments.map((argument, index) => {
    const typeId = argument.dataType
    if (typeId.namespace !== 0 || typeof typeId.value !== 'number' || argument.valueRank > 0) {
      throw new WorkbenchError(
        'INVALID_INPUT',
        `OPC UA ${methodId}: input ${argument.name} has type ${typeId.toString()}, which the workbench cannot enter yet`,
      )
    }
    return toWriteVariant(`${methodId} input ${argument.name}`, typeId.value as DataType, inputs[index])
  })
  const result = await session.call({ objectId: objectNode, methodId: methodNode, inputArguments })
  if (result.statusCode.isBad()) {
    const inputErrors = (result.inputArgumentResults ?? [])
      .map((status, index) => (status.isBad() ? `${definition.inputArguments[index]?.name}: ${status.name}` : ''))
      .filter(Boolean)
    throw new WorkbenchError(
      'UNAVAILABLE',
      `OPC UA ${methodId}: the call failed (${result.statusCode.name})${inputErrors.length ? ` — ${inputErrors.join(', ')}` : ''}`,
      { statusCode: result.statusCode.name },
    )
  }
  return {
    status: result.statusCode.name,
    outputs: (result.outputArguments ?? []).map((variant: Variant, index) => ({
      name: definition.outputArguments[index]?.name ?? `output${index}`,
      value: plainValue(variant),
    })),
  }
}
