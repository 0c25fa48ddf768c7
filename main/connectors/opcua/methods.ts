import type { Argument, ClientSession, DataType, Variant } from 'node-opcua'
import { WorkbenchError } from '../../../preload/contract'
import type { WriteValue } from '../connector'
import { parseNodeId, readDataTypeNames } from './browse'
import { builtInTypeName, plainValue } from './variant-value'
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

function describeArgument(argument: Argument, dataType: string | undefined): MethodArgument {
  return {
    name: argument.name ?? '',
    dataType: dataType ?? builtInTypeName(argument.dataType),
    description: argument.description?.text ?? undefined,
    valueRank: argument.valueRank,
  }
}

/** The InputArguments / OutputArguments properties of a method (empty lists when it has none), types by name (Int32, not ns=0;i=6). */
export async function readMethodSignature(session: ClientSession, methodId: string): Promise<MethodSignature> {
  const definition = await session.getArgumentDefinition(parseNodeId(methodId))
  const all = [...definition.inputArguments, ...definition.outputArguments]
  const names = await readDataTypeNames(
    session,
    all.map((argument) => argument.dataType),
  )
  return {
    inputArguments: definition.inputArguments.map((argument, index) => describeArgument(argument, names[index])),
    outputArguments: definition.outputArguments.map((argument, index) => describeArgument(argument, names[definition.inputArguments.length + index])),
  }
}

/** Calls a method on its object with inputs converted to the declared argument types. */
export async function callMethod(
  session: ClientSession,
  objectId: string,
  methodId: string,
  inputs: readonly (WriteValue | readonly WriteValue[])[],
): Promise<MethodCallResult> {
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
    if (typeId.namespace !== 0 || typeof typeId.value !== 'number') {
      throw new WorkbenchError(
        'INVALID_INPUT',
        `OPC UA ${methodId}: input ${argument.name} has type ${builtInTypeName(typeId)}, which the workbench cannot enter yet`,
      )
    }
    return toWriteVariant(`${methodId} input ${argument.name}`, typeId.value as DataType, inputs[index], argument.valueRank >= 1)
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
