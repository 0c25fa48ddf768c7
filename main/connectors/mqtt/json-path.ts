/** Reads a dotted path (`a.b.0.c`) out of a parsed JSON payload; undefined when any step is missing. */
export function readJsonPath(document: unknown, path: string): unknown {
  if (path === '' || path === '$') return document
  let node: unknown = document
  for (const step of path.replace(/^\$\.?/, '').split('.')) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[step]
  }
  return node
}
