import { WorkbenchError, type ConnectionConfig } from '../../preload/contract'
import { splitUrlUserinfo } from '../connectors/url-userinfo'

function conflict(config: ConnectionConfig, what: string): WorkbenchError {
  return new WorkbenchError('INVALID_INPUT', `Connection "${config.name}": ${what} — keep one of them (the URL is stored without user name and password)`)
}

/** `refuse`: a URL that contradicts the fields is an error (on save); `keep-fields`: the fields win, as the drivers did (on load). */
export type UrlCredentialConflicts = 'refuse' | 'keep-fields'

/**
 * Moves a user name and password typed into the endpoint URL to where they belong: the user name to its field (the
 * OPC UA identity), the password to the sealed secrets.
 */
export function moveUrlCredentials(config: ConnectionConfig, conflicts: UrlCredentialConflicts = 'refuse'): ConnectionConfig {
  const refuse = conflicts === 'refuse'
  if (config.protocol === 'mqtt') {
    const { url, username, password } = splitUrlUserinfo(config.url)
    if (url === config.url) return config
    if (refuse && username !== undefined && config.username && username !== config.username)
      throw conflict(config, `the user name "${username}" in the URL differs from the user name field "${config.username}"`)
    if (refuse && password !== undefined && config.password && password !== config.password)
      throw conflict(config, 'the password in the URL differs from the password field')
    return { ...config, url, username: config.username || username, password: config.password || password }
  }
  if (config.protocol === 'opcua') {
    const { url, username, password } = splitUrlUserinfo(config.endpointUrl)
    if (url === config.endpointUrl) return config
    const identity = config.identity
    if (identity.kind === 'anonymous') {
      if (username === undefined) {
        // Anonymous with only a password never sent it: on load there is nothing to keep.
        if (password === undefined || !refuse) return { ...config, endpointUrl: url }
        throw new WorkbenchError(
          'INVALID_INPUT',
          `Connection "${config.name}": the endpoint URL has a password but no user name — give the user name and password under Identity instead`,
        )
      }
      return { ...config, endpointUrl: url, identity: { kind: 'username', username, password } }
    }
    if (refuse && username !== undefined && username !== identity.username)
      throw conflict(config, `the user name "${username}" in the URL differs from the identity's user name "${identity.username}"`)
    if (refuse && password !== undefined && identity.password && password !== identity.password)
      throw conflict(config, "the password in the URL differs from the identity's password")
    return { ...config, endpointUrl: url, identity: { ...identity, password: identity.password || password } }
  }
  return config
}
