/** One step of a JSON path: an object key or an array index. */
export type JsonPathStep = string | number

/**
 * Parses the JSON paths the MQTT mapping uses: `$.speed.value`, `$.axes[0].temp`, `$['odd key']`, and the older
 * dotted form `speed.value` (a number step indexes arrays). Throws with the position of what it could not read.
 */
export function parseJsonPath(path: string): JsonPathStep[] {
  const text = path.trim()
  if (text === '' || text === '$') return []
  const steps: JsonPathStep[] = []
  if (!text.startsWith('$')) {
    for (const part of text.split('.')) {
      if (part === '') throw new Error(`JSON path "${path}": empty step — write it like $.speed.value`)
      steps.push(/^\d+$/.test(part) ? Number(part) : part)
    }
    return steps
  }
  let i = 1
  while (i < text.length) {
    const c = text[i]
    if (c === '.') {
      const match = /^[^.[\]]+/.exec(text.slice(i + 1))
      if (!match) throw new Error(`JSON path "${path}": a name must follow "." at position ${i + 1}`)
      steps.push(match[0])
      i += 1 + match[0].length
    } else if (c === '[') {
      const rest = text.slice(i)
      const index = /^\[(\d+)\]/.exec(rest)
      const quoted = /^\[\s*(['"])((?:\\.|(?!\1).)*)\1\s*\]/.exec(rest)
      if (index) {
        steps.push(Number(index[1]))
        i += index[0].length
      } else if (quoted) {
        steps.push(quoted[2].replace(/\\(.)/g, '$1'))
        i += quoted[0].length
      } else {
        throw new Error(`JSON path "${path}": "[" at position ${i} needs an index like [0] or a quoted key like ['name']`)
      }
    } else {
      throw new Error(`JSON path "${path}": unexpected "${c}" at position ${i} — write it like $.speed.value`)
    }
  }
  return steps
}

/** Writes steps back as a canonical path (`$.speed.value`, `$.axes[0]`, `$['odd key']`). */
export function formatJsonPath(steps: readonly JsonPathStep[]): string {
  return (
    '$' +
    steps
      .map((step) => (typeof step === 'number' ? `[${step}]` : /^[A-Za-z_$][\w$-]*$/.test(step) ? `.${step}` : `['${step.replace(/(['\\])/g, '\\$1')}']`))
      .join('')
  )
}

/** Follows parsed steps; undefined when any step is missing. */
export function readJsonSteps(document: unknown, steps: readonly JsonPathStep[]): unknown {
  let node: unknown = document
  for (const step of steps) {
    if (node === null || typeof node !== 'object') return undefined
    if (Array.isArray(node)) {
      if (typeof step !== 'number') return undefined
      node = node[step]
    } else {
      if (!Object.prototype.hasOwnProperty.call(node, String(step))) return undefined
      node = (node as Record<string, unknown>)[String(step)]
    }
  }
  return node
}

/** Reads a path out of a parsed JSON payload; undefined when any step is missing. */
export function readJsonPath(document: unknown, path: string): unknown {
  return readJsonSteps(document, parseJsonPath(path))
}
