import { WorkbenchError, type ConnectionConfig } from '../../preload/contract'
import { endpointUrlProblem, MQTT_URL_EXAMPLE, MQTT_URL_SCHEMES, OPCUA_URL_EXAMPLE, OPCUA_URL_SCHEMES } from '../connectors/endpoint-url'
import { withoutUrlUserinfo } from '../connectors/url-userinfo'

/** Refuses, before anything is saved, an endpoint URL its driver could not open (`mqtt://[`, a port past 65535, no host). */
export function checkEndpointUrl(config: ConnectionConfig): void {
  const [url, schemes, example] =
    config.protocol === 'mqtt'
      ? [config.url, MQTT_URL_SCHEMES, MQTT_URL_EXAMPLE]
      : config.protocol === 'opcua'
        ? [config.endpointUrl, OPCUA_URL_SCHEMES, OPCUA_URL_EXAMPLE]
        : [undefined, [], '']
  if (url === undefined) return
  const problem = endpointUrlProblem(url, schemes)
  if (problem) throw new WorkbenchError('INVALID_INPUT', `Connection "${config.name}": "${withoutUrlUserinfo(url)}" ${problem} — write it like ${example}`)
}
