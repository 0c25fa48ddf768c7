// An alarm service in its own process for the notification crash tests. Environment: OTW_ALARMS_DIR (the data folder),
// OTW_ALARMS_TARGET (a target as JSON), OTW_ALARMS_SECRET (its password or key, never argv), OTW_ALARMS_MODE: 'raise'
// saves the target and a rule and raises it with one value; 'resume' only starts the service. Either way it then pumps
// the notifier until no delivery is pending or being sent, prints `done <deliveries JSON>` and exits.
import { alarmRuleSchema, alarmTargetSchema } from '../../../preload/contract'
import { KeyFileSecretBox } from '../../secrets/secret-box'
import { AlarmService } from './alarm-service'

const dataDir = process.env.OTW_ALARMS_DIR!
const alarms = new AlarmService({
  dataDir,
  history: { queryRaw: () => [] },
  user: 'crash-test',
  tickMs: 60_000,
  box: KeyFileSecretBox.inDataDir(dataDir),
  notify: { pumpMs: 0, retryFirstMs: 100, retryMaxMs: 400 },
})
if (process.env.OTW_ALARMS_MODE === 'raise') {
  alarms.notifier.saveTarget(alarmTargetSchema.parse(JSON.parse(process.env.OTW_ALARMS_TARGET!)), process.env.OTW_ALARMS_SECRET)
  alarms.saveRule(
    alarmRuleSchema.parse({ id: 'vib', name: 'Capper vibration', tagId: 'Line1.Capper.Vibration', severity: 700, condition: { kind: 'high', limit: 7.1 } }),
  )
  const at = Date.now()
  alarms.ingest([{ tagId: 'Line1.Capper.Vibration', value: 9.4, quality: { status: 'good' }, sourceTime: at, receiveTime: at }])
}
process.stdout.write('ready\n')
for (;;) {
  await alarms.notifier.pump()
  const open = alarms.notifier.deliveries().filter((d) => d.status === 'pending' || d.status === 'sending')
  if (open.length === 0 && alarms.notifier.deliveries().length > 0) break
  await new Promise((resolve) => setTimeout(resolve, 50))
}
process.stdout.write(`done ${JSON.stringify(alarms.notifier.deliveries())}\n`)
await alarms.close()
