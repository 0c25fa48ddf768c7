// A line diff (longest common subsequence) for function code and other multi-line text in a plan.

export interface DiffLine {
  op: 'same' | 'added' | 'removed'
  text: string
}

/** Lines of `before` → `after`, in order; unchanged lines far from a change are kept (the view folds them). */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n')
  const b = after.split('\n')
  // Common head and tail first: a changed constant in a 60-line function leaves a tiny table to fill.
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++
  const midA = a.slice(head, a.length - tail)
  const midB = b.slice(head, b.length - tail)
  const lengths: number[][] = Array.from({ length: midA.length + 1 }, () => new Array<number>(midB.length + 1).fill(0))
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      lengths[i]![j] = midA[i] === midB[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!)
    }
  }
  const middle: DiffLine[] = []
  let i = 0
  let j = 0
  while (i < midA.length && j < midB.length) {
    if (midA[i] === midB[j]) {
      middle.push({ op: 'same', text: midA[i]! })
      i++
      j++
    } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) {
      middle.push({ op: 'removed', text: midA[i++]! })
    } else {
      middle.push({ op: 'added', text: midB[j++]! })
    }
  }
  while (i < midA.length) middle.push({ op: 'removed', text: midA[i++]! })
  while (j < midB.length) middle.push({ op: 'added', text: midB[j++]! })
  const same = (text: string): DiffLine => ({ op: 'same', text })
  return [...a.slice(0, head).map(same), ...middle, ...a.slice(a.length - tail).map(same)]
}
