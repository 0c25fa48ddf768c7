import { ComingView } from '../../components/ComingView'

export function DeployView(): React.JSX.Element {
  return (
    <ComingView
      title="Deploy"
      intro="Push configurations to edge gateways (Node-RED flows, MQTT brokers) and to the customer's cloud tenant, safely."
      features={[
        'Targets: gateways and tenants with their credentials kept encrypted',
        'A plan of what changes where, shown as a diff before anything is applied',
        'Apply, read back to verify, and a recorded version to roll back to',
      ]}
      meanwhile={['Use the demo plant broker (see Connections) to try MQTT topics the gateway will publish.']}
    />
  )
}
