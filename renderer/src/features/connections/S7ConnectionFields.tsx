import { S7_CONNECTION_TYPES, S7_CPU_PRESETS, type ConnectionConfigInput } from '../../../../preload/contract'

/** What the S7 part of the add dialog holds, as typed (numbers as text until saved). */
export interface S7Settings {
  family: string
  host: string
  port: string
  addressing: 'rack-slot' | 'tsap'
  rack: string
  slot: string
  localTsap: string
  remoteTsap: string
  connectionType: (typeof S7_CONNECTION_TYPES)[number]
  pduSize: string
  timeoutMs: string
  scanRateMs: string
}

export const DEFAULT_S7_SETTINGS: S7Settings = {
  family: 'S7-1500',
  host: '',
  port: '102',
  addressing: 'rack-slot',
  rack: '0',
  slot: '1',
  localTsap: '01.00',
  remoteTsap: '02.00',
  connectionType: 'pg',
  pduSize: '960',
  timeoutMs: '2000',
  scanRateMs: '1000',
}

const CONNECTION_TYPE_NAMES: Record<S7Settings['connectionType'], string> = {
  pg: 'PG (programming device)',
  op: 'OP (operator panel)',
  basic: 'S7 basic',
}

export function s7ConfigOf(name: string, s: S7Settings): ConnectionConfigInput {
  const common = {
    protocol: 's7' as const,
    name,
    host: s.host.trim(),
    port: Number(s.port),
    connectionType: s.connectionType,
    pduSize: Number(s.pduSize),
    timeoutMs: Number(s.timeoutMs),
    scanRateMs: Number(s.scanRateMs),
  }
  return s.addressing === 'tsap'
    ? { ...common, localTsap: s.localTsap.trim(), remoteTsap: s.remoteTsap.trim() }
    : { ...common, rack: Number(s.rack), slot: Number(s.slot) }
}

/** A stored S7 configuration back in the form's terms; the family is the preset it matches, if only one does. */
export function s7SettingsOf(config: Record<string, unknown>): S7Settings {
  const text = (value: unknown, fallback: string) => (typeof value === 'string' || typeof value === 'number' ? String(value) : fallback)
  const d = DEFAULT_S7_SETTINGS
  const tsap = typeof config.localTsap === 'string' && typeof config.remoteTsap === 'string'
  const settings: S7Settings = {
    ...d,
    host: text(config.host, d.host),
    port: text(config.port, d.port),
    addressing: tsap ? 'tsap' : 'rack-slot',
    rack: text(config.rack, d.rack),
    slot: text(config.slot, d.slot),
    localTsap: text(config.localTsap, d.localTsap),
    remoteTsap: text(config.remoteTsap, d.remoteTsap),
    connectionType: S7_CONNECTION_TYPES.find((t) => t === config.connectionType) ?? d.connectionType,
    pduSize: text(config.pduSize, d.pduSize),
    timeoutMs: text(config.timeoutMs, d.timeoutMs),
    scanRateMs: text(config.scanRateMs, d.scanRateMs),
  }
  const matching = S7_CPU_PRESETS.filter((p) =>
    'localTsap' in p
      ? tsap && p.localTsap === settings.localTsap && p.remoteTsap === settings.remoteTsap
      : !tsap && String(p.rack) === settings.rack && String(p.slot) === settings.slot,
  )
  return { ...settings, family: matching.length === 1 ? matching[0]!.family : 'other' }
}

/** The settings a CPU family's preset puts in: rack and slot, or the TSAPs of devices without them. */
function applyPreset(s: S7Settings, family: string): S7Settings {
  const preset = S7_CPU_PRESETS.find((p) => p.family === family)
  if (!preset) return { ...s, family }
  if ('localTsap' in preset) return { ...s, family, addressing: 'tsap', localTsap: preset.localTsap, remoteTsap: preset.remoteTsap }
  return { ...s, family, addressing: 'rack-slot', rack: String(preset.rack), slot: String(preset.slot) }
}

function Field({ label, children }: { label: string; children: React.ReactNode }): React.JSX.Element {
  return (
    <label className="form-field">
      <span>{label}</span>
      {children}
    </label>
  )
}

/** Host, CPU family preset, rack/slot or TSAPs, connection type, PDU size and timings of an S7 connection. */
export function S7ConnectionFields({ value, onChange }: { value: S7Settings; onChange(next: S7Settings): void }): React.JSX.Element {
  const set = (patch: Partial<S7Settings>) => onChange({ ...value, ...patch })
  const preset = S7_CPU_PRESETS.find((p) => p.family === value.family)
  return (
    <>
      <Field label="Host">
        <input type="text" value={value.host} placeholder="192.168.0.1" onChange={(e) => set({ host: e.target.value })} />
      </Field>
      <Field label="Port">
        <input type="number" min={1} max={65535} value={value.port} onChange={(e) => set({ port: e.target.value })} />
      </Field>
      <Field label="CPU family">
        <select value={value.family} onChange={(e) => onChange(applyPreset(value, e.target.value))}>
          {S7_CPU_PRESETS.map((p) => (
            <option key={p.family} value={p.family}>
              {p.family}
            </option>
          ))}
          <option value="other">Other (set by hand)</option>
        </select>
      </Field>
      {preset?.note && (
        <p className="muted small" aria-label="Preset note">
          {preset.note}
        </p>
      )}
      <Field label="Addressing">
        <select value={value.addressing} onChange={(e) => set({ addressing: e.target.value as S7Settings['addressing'] })}>
          <option value="rack-slot">Rack and slot</option>
          <option value="tsap">TSAPs (LOGO!, S7-200 via CP)</option>
        </select>
      </Field>
      {value.addressing === 'rack-slot' ? (
        <>
          <Field label="Rack">
            <input type="number" min={0} max={7} value={value.rack} onChange={(e) => set({ rack: e.target.value, family: 'other' })} />
          </Field>
          <Field label="Slot">
            <input type="number" min={0} max={31} value={value.slot} onChange={(e) => set({ slot: e.target.value, family: 'other' })} />
          </Field>
        </>
      ) : (
        <>
          <Field label="Local TSAP">
            <input type="text" value={value.localTsap} placeholder="01.00" onChange={(e) => set({ localTsap: e.target.value })} />
          </Field>
          <Field label="Remote TSAP">
            <input type="text" value={value.remoteTsap} placeholder="02.00" onChange={(e) => set({ remoteTsap: e.target.value })} />
          </Field>
        </>
      )}
      <Field label="Connection type">
        <select value={value.connectionType} onChange={(e) => set({ connectionType: e.target.value as S7Settings['connectionType'] })}>
          {S7_CONNECTION_TYPES.map((t) => (
            <option key={t} value={t}>
              {CONNECTION_TYPE_NAMES[t]}
            </option>
          ))}
        </select>
      </Field>
      <Field label="PDU size">
        <input type="number" min={240} max={960} value={value.pduSize} onChange={(e) => set({ pduSize: e.target.value })} />
      </Field>
      <Field label="Timeout (ms)">
        <input type="number" min={50} max={60000} value={value.timeoutMs} onChange={(e) => set({ timeoutMs: e.target.value })} />
      </Field>
      <Field label="Scan rate (ms)">
        <input type="number" min={50} value={value.scanRateMs} onChange={(e) => set({ scanRateMs: e.target.value })} />
      </Field>
    </>
  )
}
