import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import type { OutputOf, VisionDataset } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'

type Ratios = { train: number; val: number; test: number }
type SplitResult = OutputOf<'vision.split'>

const count = (n: number): string => n.toLocaleString('en-US')

/** Where the ratios a person typed are wrong before anything is asked of the host. */
export function ratiosProblem(r: Ratios): string | null {
  if ([r.train, r.val, r.test].some((v) => !Number.isFinite(v) || v < 0 || v > 100)) return 'Each share is a percentage from 0 to 100'
  if (r.train <= 0) return 'Train needs a share above 0'
  if (Math.abs(r.train + r.val + r.test - 100) > 0.01) return `The shares add up to ${r.train + r.val + r.test} %, not 100 %`
  return null
}

/** The split as one line: "train 42 · val 12 · test 6 · 3 not split". */
export function describeSplit(bySplit: VisionDataset['bySplit']): string {
  const parts = [`train ${count(bySplit.train)}`, `val ${count(bySplit.val)}`, `test ${count(bySplit.test)}`]
  if (bySplit.none > 0) parts.push(`${count(bySplit.none)} not split`)
  return parts.join(' · ')
}

/**
 * The train/val/test split of the labelled and reviewed images: shares, a seed (same seed, same split), stratified by class on
 * the host. Re-splitting moves images between splits, so it asks first when a split exists.
 */
export function SplitPanel({ dataset }: { dataset: VisionDataset }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [ratios, setRatios] = useState<Ratios>({ train: 70, val: 20, test: 10 })
  const [seed, setSeed] = useState(0)
  const [keepExisting, setKeepExisting] = useState(false)
  const [asking, setAsking] = useState(false)
  const [result, setResult] = useState<SplitResult | null>(null)
  const keep = useRef<HTMLButtonElement>(null)
  const labelled = (dataset.byStatus.labeled ?? 0) + (dataset.byStatus.reviewed ?? 0)
  const split = dataset.bySplit.train + dataset.bySplit.val + dataset.bySplit.test
  const problem = ratiosProblem(ratios)
  const run = useMutation({
    mutationFn: () => client.call('vision.split', { datasetId: dataset.id, ratios, seed, keepExisting }),
    onSuccess: (out) => {
      setResult(out)
      void queryClient.invalidateQueries({ queryKey: queryKey('vision', 'datasets') })
      void queryClient.invalidateQueries({ queryKey: queryKey('vision', 'images') })
    },
  })
  // The answer belongs to one dataset.
  const [resultOf, setResultOf] = useState(dataset.id)
  if (resultOf !== dataset.id) {
    setResultOf(dataset.id)
    setResult(null)
    setAsking(false)
  }
  useEffect(() => {
    if (asking) keep.current?.focus()
  }, [asking])
  const start = (): void => {
    // Only images without a split move when existing ones are kept: nothing to ask.
    if (split > 0 && !keepExisting) setAsking(true)
    else run.mutate()
  }
  const share = (part: keyof Ratios, label: string) => (
    <label>
      {label}{' '}
      <input
        aria-label={`${label} share (%)`}
        type="number"
        min={0}
        max={100}
        step={5}
        value={ratios[part]}
        onChange={(e) => setRatios((r) => ({ ...r, [part]: e.target.value === '' ? 0 : Number(e.target.value) }))}
      />{' '}
      %
    </label>
  )

  return (
    <section className="panel vision-split" aria-label="Train/val/test split">
      <div className="vision-task-row">
        <strong>Split</strong>
        {share('train', 'Train')}
        {share('val', 'Validation')}
        {share('test', 'Test')}
        <label>
          Seed{' '}
          <input
            aria-label="Split seed"
            type="number"
            min={0}
            step={1}
            value={seed}
            onChange={(e) => setSeed(Math.max(0, Math.min(2 ** 31 - 1, Math.round(Number(e.target.value) || 0))))}
          />
        </label>
        <label>
          <input type="checkbox" checked={keepExisting} onChange={(e) => setKeepExisting(e.target.checked)} /> Keep existing splits
        </label>
        <button type="button" onClick={start} disabled={!!problem || labelled === 0 || run.isPending || asking}>
          {run.isPending ? 'Splitting…' : split > 0 ? 'Re-split' : 'Split'}
        </button>
        <span className="muted" role="status" aria-label="Split summary">
          {labelled === 0 ? 'No labelled images to split yet — only labelled and reviewed images are split' : describeSplit(dataset.bySplit)}
        </span>
      </div>
      {problem && (
        <p role="alert" className="error-text">
          {problem}
        </p>
      )}
      {asking && (
        <p role="alertdialog" aria-label="Confirm re-split" className="vision-confirm">
          Re-split {count(labelled)} labelled images? Images move between train, val and test; results scored on the old test split no longer compare.{' '}
          <button
            type="button"
            onClick={() => {
              setAsking(false)
              run.mutate()
            }}
          >
            Re-split {count(labelled)}
          </button>{' '}
          <button type="button" ref={keep} onClick={() => setAsking(false)}>
            Keep the split
          </button>
        </p>
      )}
      {run.error && (
        <p role="alert" className="error-text">
          {run.error.message}
        </p>
      )}
      {result && result.dataset.id === dataset.id && (
        <table className="vision-split-table" aria-label="Split per class">
          <thead>
            <tr>
              <th scope="col">Class</th>
              <th scope="col">Train</th>
              <th scope="col">Val</th>
              <th scope="col">Test</th>
            </tr>
          </thead>
          <tbody>
            {result.byClass.map((c) => (
              <tr key={c.className}>
                <th scope="row">{c.className}</th>
                <td>{count(c.train)}</td>
                <td>{count(c.val)}</td>
                <td>{count(c.test)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">no defect (nothing on the image)</th>
              <td>{count(result.withoutClass.train)}</td>
              <td>{count(result.withoutClass.val)}</td>
              <td>{count(result.withoutClass.test)}</td>
            </tr>
          </tbody>
        </table>
      )}
    </section>
  )
}
