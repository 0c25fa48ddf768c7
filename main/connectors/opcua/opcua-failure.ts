import { WorkbenchError } from '../../../preload/contract'
import { withoutUrlUserinfo } from '../url-userinfo'

/** Turns a node-opcua error into one that says what failed, on which server, and what to do. */
export function describeOpcUaFailure(typedUrl: string, what: string, error: unknown): WorkbenchError {
  if (error instanceof WorkbenchError) return error
  const endpointUrl = withoutUrlUserinfo(typedUrl)
  const raw = error instanceof Error ? error.message : String(error)
  const message = raw.split('\n')[0].trim()
  if (/ECONNREFUSED|cannot be established|not reachable/i.test(raw)) {
    return new WorkbenchError(
      'CONNECTION_FAILED',
      `OPC UA ${endpointUrl}: ${what}: nothing answers there — check the address, the port and that the server runs`,
      { cause: message },
    )
  }
  if (/timeout|timed out/i.test(raw)) {
    return new WorkbenchError('TIMEOUT', `OPC UA ${endpointUrl}: ${what}: the server did not answer in time — check the network and the server load`, {
      cause: message,
    })
  }
  if (/BadIdentityTokenRejected|BadUserAccessDenied|BadIdentityTokenInvalid/.test(raw)) {
    return new WorkbenchError(
      'CONNECTION_FAILED',
      `OPC UA ${endpointUrl}: ${what}: the server refused the user identity — check user name, password or user certificate`,
      { cause: message },
    )
  }
  if (/BadSecurityChecksFailed|BadCertificate/.test(raw)) {
    return new WorkbenchError(
      'CONNECTION_FAILED',
      `OPC UA ${endpointUrl}: ${what}: the security handshake failed (${message}) — the server may not trust the workbench certificate yet; trust it on the server`,
      { cause: message },
    )
  }
  return new WorkbenchError('CONNECTION_FAILED', `OPC UA ${endpointUrl}: ${what}: ${message}`, { cause: message })
}
