// Whether an endpoint URL can be opened at all: checked when a connection is saved, so a typo is refused with what to
// write instead rather than failing later at connect with an internal error.

export const MQTT_URL_SCHEMES = ['mqtt', 'mqtts', 'ws', 'wss'] as const
export const MQTT_URL_EXAMPLE = 'mqtt://host:1883 (or mqtts://host:8883 with TLS)'
export const OPCUA_URL_SCHEMES = ['opc.tcp'] as const
export const OPCUA_URL_EXAMPLE = 'opc.tcp://host:4840'

/** What is wrong with `url` (shown without userinfo by the caller), or undefined when it parses and names a host. */
export function endpointUrlProblem(url: string, schemes: readonly string[]): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'is not a valid URL'
  }
  const scheme = parsed.protocol.slice(0, -1).toLowerCase()
  if (!schemes.includes(scheme)) return `starts with ${scheme}:// instead of ${schemes.map((s) => `${s}://`).join(', ')}`
  if (parsed.hostname === '') return 'names no host'
  return undefined
}
