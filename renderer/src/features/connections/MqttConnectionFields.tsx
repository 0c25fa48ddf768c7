import type { ConnectionConfigInput } from '../../../../preload/contract'
import './mqtt.css'

/** What the MQTT part of the add/edit dialog holds, as typed (numbers as text until saved). */
export interface MqttSettings {
  url: string
  protocolVersion: '4' | '5'
  clientId: string
  cleanStart: boolean
  keepaliveSeconds: string
  username: string
  password: string
  ca: string
  cert: string
  key: string
  rejectUnauthorized: boolean
  servername: string
  sparkplug: boolean
  sparkplugGroup: string
  rebirthOnGap: boolean
}

export const DEFAULT_MQTT_SETTINGS: MqttSettings = {
  url: 'mqtt://',
  // 3.1.1 is what every broker speaks (aedes, older Mosquitto and gateways); pick 5 where the broker has it.
  protocolVersion: '4',
  clientId: '',
  cleanStart: true,
  keepaliveSeconds: '60',
  username: '',
  password: '',
  ca: '',
  cert: '',
  key: '',
  rejectUnauthorized: true,
  servername: '',
  sparkplug: false,
  sparkplugGroup: '',
  rebirthOnGap: false,
}

const usesTls = (url: string): boolean => /^(mqtts|wss):\/\//i.test(url.trim())
const blankToUndefined = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim())

/** The saved configuration; blank secrets are left out, so an edit keeps the stored ones. */
export function mqttConfigOf(name: string, s: MqttSettings, tags: Extract<ConnectionConfigInput, { protocol: 'mqtt' }>['tags'] = []): ConnectionConfigInput {
  const tls = usesTls(s.url)
  return {
    protocol: 'mqtt',
    name,
    url: s.url.trim(),
    protocolVersion: s.protocolVersion === '5' ? 5 : 4,
    clientId: blankToUndefined(s.clientId),
    cleanStart: s.cleanStart,
    keepaliveSeconds: Number(s.keepaliveSeconds),
    username: blankToUndefined(s.username),
    password: s.password === '' ? undefined : s.password,
    tls: tls
      ? {
          ca: blankToUndefined(s.ca),
          cert: blankToUndefined(s.cert),
          key: blankToUndefined(s.key),
          rejectUnauthorized: s.rejectUnauthorized,
          servername: blankToUndefined(s.servername),
        }
      : undefined,
    sparkplug: s.sparkplug ? { enabled: true, groupId: blankToUndefined(s.sparkplugGroup), rebirthOnGap: s.rebirthOnGap } : undefined,
    tags,
  }
}

/** The dialog fields back from a saved configuration (secrets stay blank: "leave blank to keep"). */
export function mqttSettingsOf(config: Record<string, unknown>): MqttSettings {
  const c = config as {
    url?: string
    protocolVersion?: number
    clientId?: string
    cleanStart?: boolean
    keepaliveSeconds?: number
    username?: string
    tls?: { ca?: string; cert?: string; rejectUnauthorized?: boolean; servername?: string }
    sparkplug?: { enabled?: boolean; groupId?: string; rebirthOnGap?: boolean }
  }
  return {
    ...DEFAULT_MQTT_SETTINGS,
    url: c.url ?? 'mqtt://',
    protocolVersion: c.protocolVersion === 5 ? '5' : '4',
    clientId: c.clientId ?? '',
    cleanStart: c.cleanStart ?? true,
    keepaliveSeconds: String(c.keepaliveSeconds ?? 60),
    username: c.username ?? '',
    ca: c.tls?.ca ?? '',
    cert: c.tls?.cert ?? '',
    rejectUnauthorized: c.tls?.rejectUnauthorized ?? true,
    servername: c.tls?.servername ?? '',
    sparkplug: c.sparkplug?.enabled ?? false,
    sparkplugGroup: c.sparkplug?.groupId ?? '',
    rebirthOnGap: c.sparkplug?.rebirthOnGap ?? false,
  }
}

function Row({ label, children, hint }: { label: string; children: React.ReactNode; hint?: string }): React.JSX.Element {
  return (
    <label className="form-field">
      <span>{label}</span>
      {children}
      {hint && <small className="muted mqtt-hint">{hint}</small>}
    </label>
  )
}

/**
 * Broker, session, credentials, TLS and Sparkplug B settings of an MQTT connection. `storedSecrets` says which
 * secrets are already saved, so blank means "keep" when editing.
 */
export function MqttConnectionFields({
  value,
  onChange,
  storedSecrets = false,
}: {
  value: MqttSettings
  onChange(next: MqttSettings): void
  storedSecrets?: boolean
}): React.JSX.Element {
  const set = <K extends keyof MqttSettings>(key: K, v: MqttSettings[K]): void => onChange({ ...value, [key]: v })
  const tls = usesTls(value.url)
  const keepBlank = storedSecrets ? 'leave blank to keep the saved one' : undefined
  return (
    <div className="mqtt-fields">
      <Row label="Broker URL" hint="mqtt://host:1883, or mqtts://host:8883 for TLS">
        <input type="text" value={value.url} onChange={(e) => set('url', e.target.value)} spellCheck={false} />
      </Row>
      <Row label="MQTT version">
        <select value={value.protocolVersion} onChange={(e) => set('protocolVersion', e.target.value as '4' | '5')}>
          <option value="4">3.1.1</option>
          <option value="5">5</option>
        </select>
      </Row>
      <Row label="Client id" hint="blank: a random one per connect">
        <input type="text" value={value.clientId} onChange={(e) => set('clientId', e.target.value)} spellCheck={false} />
      </Row>
      <Row label="Keep alive (s)">
        <input type="number" min={0} max={65535} value={value.keepaliveSeconds} onChange={(e) => set('keepaliveSeconds', e.target.value)} />
      </Row>
      <label className="check-row">
        <input type="checkbox" checked={value.cleanStart} onChange={(e) => set('cleanStart', e.target.checked)} />
        Clean start <span className="muted">(off: the broker keeps this client’s session and queued messages)</span>
      </label>
      <Row label="User name">
        <input type="text" value={value.username} autoComplete="off" onChange={(e) => set('username', e.target.value)} />
      </Row>
      <Row label="Password" hint={keepBlank}>
        <input type="password" value={value.password} autoComplete="new-password" onChange={(e) => set('password', e.target.value)} />
      </Row>
      {tls ? (
        <fieldset className="mqtt-tls">
          <legend>TLS</legend>
          <Row label="CA certificate" hint="PEM text or a file path; blank: the system’s CAs">
            <textarea
              rows={2}
              value={value.ca}
              onChange={(e) => set('ca', e.target.value)}
              spellCheck={false}
              placeholder="-----BEGIN CERTIFICATE----- … or /path/to/ca.pem"
            />
          </Row>
          <Row label="Client certificate" hint="only for brokers that ask for one">
            <textarea
              rows={2}
              value={value.cert}
              onChange={(e) => set('cert', e.target.value)}
              spellCheck={false}
              placeholder="PEM text or /path/to/client.crt"
            />
          </Row>
          <Row label="Client private key" hint={keepBlank ?? 'stored encrypted, never shown again'}>
            <textarea
              rows={2}
              value={value.key}
              onChange={(e) => set('key', e.target.value)}
              spellCheck={false}
              placeholder="PEM text or /path/to/client.key"
            />
          </Row>
          <Row label="Server name" hint="when the certificate names another host than the URL">
            <input type="text" value={value.servername} onChange={(e) => set('servername', e.target.value)} spellCheck={false} />
          </Row>
          <label className="check-row">
            <input type="checkbox" checked={value.rejectUnauthorized} onChange={(e) => set('rejectUnauthorized', e.target.checked)} />
            Verify the broker certificate
          </label>
          {!value.rejectUnauthorized && (
            <p role="alert" className="banner banner-warning">
              Certificate checks are off: anyone between this workstation and the broker can read and change the traffic, passwords included. Use this only for
              a test broker; add its CA certificate instead.
            </p>
          )}
        </fieldset>
      ) : (
        <p className="muted small">TLS: use an mqtts:// URL to give CA and client certificates.</p>
      )}
      <fieldset>
        <legend>Sparkplug B</legend>
        <label className="check-row">
          <input type="checkbox" checked={value.sparkplug} onChange={(e) => set('sparkplug', e.target.checked)} />
          Decode Sparkplug B (metrics of every NBIRTH/DBIRTH become tags)
        </label>
        {value.sparkplug && (
          <>
            <Row label="Sparkplug group" hint="blank: every group">
              <input type="text" value={value.sparkplugGroup} onChange={(e) => set('sparkplugGroup', e.target.value)} spellCheck={false} />
            </Row>
            <label className="check-row">
              <input type="checkbox" checked={value.rebirthOnGap} onChange={(e) => set('rebirthOnGap', e.target.checked)} />
              Ask for a rebirth on a sequence gap <span className="muted">(publishes NCMD Node Control/Rebirth)</span>
            </label>
          </>
        )}
      </fieldset>
    </div>
  )
}
