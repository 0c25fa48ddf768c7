import { ComingView } from '../../components/ComingView'

export function OeeView(): React.JSX.Element {
  return (
    <ComingView
      title="OEE"
      intro="Availability, performance, quality and OEE per machine and line, computed to the standard definitions from recorded or live tags."
      features={[
        'A, P, Q and OEE gauges per machine and for the line, per shift, day, week or any range — with the bottleneck machine named',
        'Loss waterfall from planned time to fully productive time (the six big losses, in minutes and units)',
        'Downtime Pareto by minutes lost and by count, with a two-level reason tree',
        'Machine state timeline aligned with trends, and a queue of uncoded stops to code with the keyboard',
        'Exports to CSV and PNG',
      ]}
      meanwhile={[
        'Watch the demo plant machine states and counters live in Tags (Line1 → Filler / Capper / Labeler → State, GoodCount, RejectCount).',
        'Compute OEE from a CSV recording on the command line: otw oee --config machine.json --data recording.csv --from … --to … --json',
      ]}
    />
  )
}
