import type { ReasonCode } from './downtime-event'

export interface Reason {
  id: string
  name: string
  /** Retired: kept so coded history still has its label, but not offered for new coding. */
  retired?: boolean
}

export interface ReasonCategory {
  id: string
  name: string
  reasons: Reason[]
  retired?: boolean
}

/** Two-level downtime reason tree: category → reason. Plain data; edits return a new tree. */
export interface ReasonTree {
  categories: ReasonCategory[]
}

export const EMPTY_REASON_TREE: ReasonTree = { categories: [] }

export class ReasonTreeError extends Error {
  override name = 'ReasonTreeError'
  /** `not-found`: the category or reason named does not exist; `invalid`: the edit cannot be done as asked. */
  constructor(
    message: string,
    readonly kind: 'not-found' | 'invalid' = 'invalid',
  ) {
    super(message)
  }
}

function slug(name: string): string {
  return (
    name
      .trim()
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'item'
  )
}

function uniqueId(base: string, taken: readonly { id: string }[]): string {
  let id = base
  for (let n = 2; taken.some((x) => x.id === id); n++) id = `${base}-${n}`
  return id
}

function requireName(name: string, what: string): string {
  const n = name.trim()
  if (!n) throw new ReasonTreeError(`${what} name is empty — give it a name such as "Mechanical"`)
  return n
}

export function findCategory(tree: ReasonTree, categoryId: string): ReasonCategory {
  const c = tree.categories.find((x) => x.id === categoryId)
  if (!c)
    throw new ReasonTreeError(`reason category "${categoryId}" does not exist — known: ${tree.categories.map((x) => x.id).join(', ') || 'none'}`, 'not-found')
  return c
}

/** Throws unless the code names an existing category and a reason inside it. */
export function assertReasonExists(tree: ReasonTree, code: ReasonCode): void {
  const c = findCategory(tree, code.categoryId)
  if (!c.reasons.some((r) => r.id === code.reasonId))
    throw new ReasonTreeError(`reason "${code.reasonId}" is not in category "${c.id}" — known: ${c.reasons.map((r) => r.id).join(', ') || 'none'}`, 'not-found')
}

/** Like assertReasonExists, and refuses retired reasons and categories: they are history, not choices. */
export function assertReasonActive(tree: ReasonTree, code: ReasonCode): void {
  assertReasonExists(tree, code)
  const c = findCategory(tree, code.categoryId)
  if (c.retired) throw new ReasonTreeError(`reason category "${c.name}" is retired — restore it or pick another category`)
  const r = c.reasons.find((x) => x.id === code.reasonId)!
  if (r.retired) throw new ReasonTreeError(`reason "${r.name}" in "${c.name}" is retired — restore it or pick another reason`)
}

export function setReasonRetired(tree: ReasonTree, code: ReasonCode, retired: boolean): ReasonTree {
  assertReasonExists(tree, code)
  return mapCategory(tree, code.categoryId, (c) => ({
    ...c,
    reasons: c.reasons.map((r) => (r.id === code.reasonId ? withRetired(r, retired) : r)),
  }))
}

export function setCategoryRetired(tree: ReasonTree, categoryId: string, retired: boolean): ReasonTree {
  findCategory(tree, categoryId)
  return mapCategory(tree, categoryId, (c) => withRetired(c, retired))
}

function withRetired<T extends { retired?: boolean }>(x: T, retired: boolean): T {
  const copy = { ...x }
  if (retired) copy.retired = true
  else delete copy.retired
  return copy
}

export function reasonLabel(tree: ReasonTree, code: ReasonCode): { category: string; reason: string } {
  const c = tree.categories.find((x) => x.id === code.categoryId)
  const r = c?.reasons.find((x) => x.id === code.reasonId)
  return { category: c?.name ?? code.categoryId, reason: r?.name ?? code.reasonId }
}

export function addCategory(tree: ReasonTree, name: string): { tree: ReasonTree; id: string } {
  const n = requireName(name, 'category')
  if (tree.categories.some((c) => c.name.toLowerCase() === n.toLowerCase())) throw new ReasonTreeError(`reason category "${n}" already exists`)
  const id = uniqueId(slug(n), tree.categories)
  return { tree: { categories: [...tree.categories, { id, name: n, reasons: [] }] }, id }
}

export function addReason(tree: ReasonTree, categoryId: string, name: string): { tree: ReasonTree; id: string } {
  const n = requireName(name, 'reason')
  const c = findCategory(tree, categoryId)
  if (c.reasons.some((r) => r.name.toLowerCase() === n.toLowerCase())) throw new ReasonTreeError(`reason "${n}" already exists in category "${c.name}"`)
  const id = uniqueId(slug(n), c.reasons)
  return { tree: mapCategory(tree, categoryId, (x) => ({ ...x, reasons: [...x.reasons, { id, name: n }] })), id }
}

export function renameCategory(tree: ReasonTree, categoryId: string, name: string): ReasonTree {
  const n = requireName(name, 'category')
  findCategory(tree, categoryId)
  return mapCategory(tree, categoryId, (c) => ({ ...c, name: n }))
}

export function renameReason(tree: ReasonTree, code: ReasonCode, name: string): ReasonTree {
  const n = requireName(name, 'reason')
  assertReasonExists(tree, code)
  return mapCategory(tree, code.categoryId, (c) => ({
    ...c,
    reasons: c.reasons.map((r) => (r.id === code.reasonId ? { ...r, name: n } : r)),
  }))
}

/** Removing is refused while events use it (isUsed), so coded history never points at nothing. */
export function removeReason(tree: ReasonTree, code: ReasonCode, isUsed: (code: ReasonCode) => boolean): ReasonTree {
  assertReasonExists(tree, code)
  if (isUsed(code)) throw new ReasonTreeError(`reason "${code.reasonId}" is used by downtime events — recode them first or rename the reason`)
  return mapCategory(tree, code.categoryId, (c) => ({ ...c, reasons: c.reasons.filter((r) => r.id !== code.reasonId) }))
}

export function removeCategory(tree: ReasonTree, categoryId: string, isUsed: (code: ReasonCode) => boolean): ReasonTree {
  const c = findCategory(tree, categoryId)
  const used = c.reasons.find((r) => isUsed({ categoryId, reasonId: r.id }))
  if (used) throw new ReasonTreeError(`category "${categoryId}" has reason "${used.id}" in use by downtime events — recode them first`)
  return { categories: tree.categories.filter((x) => x.id !== categoryId) }
}

function mapCategory(tree: ReasonTree, id: string, f: (c: ReasonCategory) => ReasonCategory): ReasonTree {
  return { categories: tree.categories.map((c) => (c.id === id ? f(c) : c)) }
}
