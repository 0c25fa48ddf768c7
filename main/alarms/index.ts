// The alarm engine (pure): rules, states, replay. The service in ./service binds it to storage, live values and the contract.
export { AlarmEngine, AlarmEngineError, type AlarmInput, type AlarmStateSnapshot, type AlarmValue } from './alarm-engine'
export { replayRules, type RecordedSeries } from './alarm-replay'
export { learnAnomalyBaseline, type AnomalyCondition } from './anomaly'
