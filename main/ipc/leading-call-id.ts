const WHITESPACE = /\s/

/**
 * The top-level `id` of a JSON object read from the start of a message that is too large to parse (its tail may be
 * cut off), so the refusal can go to the call that sent it. Undefined when the id does not come before the cut.
 */
export function leadingCallId(prefix: string): number | undefined {
  let at = 0
  const skipWhitespace = (): void => {
    while (at < prefix.length && WHITESPACE.test(prefix[at])) at++
  }
  /** Reads a JSON string starting at its quote; undefined when it is cut off. */
  const readString = (): string | undefined => {
    const start = at
    at++
    while (at < prefix.length) {
      if (prefix[at] === '\\') at += 2
      else if (prefix[at] === '"') {
        at++
        try {
          return JSON.parse(prefix.slice(start, at)) as string
        } catch {
          return undefined
        }
      } else at++
    }
    return undefined
  }
  /** Steps over one value of any kind; false when it is cut off or is not JSON. */
  const skipValue = (): boolean => {
    const first = prefix[at]
    if (first === '"') return readString() !== undefined
    if (first === '{' || first === '[') {
      let depth = 0
      while (at < prefix.length) {
        const c = prefix[at]
        if (c === '"') {
          if (readString() === undefined) return false
          continue
        }
        if (c === '{' || c === '[') depth++
        else if (c === '}' || c === ']') depth--
        at++
        if (depth === 0) return true
      }
      return false
    }
    const scalar = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(prefix.slice(at, at + 40))
    if (!scalar) return false
    at += scalar[0].length
    return true
  }

  skipWhitespace()
  if (prefix[at] !== '{') return undefined
  at++
  for (;;) {
    skipWhitespace()
    if (prefix[at] !== '"') return undefined
    const key = readString()
    if (key === undefined) return undefined
    skipWhitespace()
    if (prefix[at] !== ':') return undefined
    at++
    skipWhitespace()
    if (key === 'id') {
      const number = /^-?\d+(?=[\s,}])/.exec(prefix.slice(at, at + 24))
      const id = number ? Number(number[0]) : NaN
      return Number.isSafeInteger(id) ? id : undefined
    }
    if (!skipValue()) return undefined
    skipWhitespace()
    if (prefix[at] !== ',') return undefined
    at++
  }
}
