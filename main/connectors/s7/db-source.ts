import { formatS7Address } from './s7-address'
import { S7_DATA_TYPES, type S7ScalarType } from './s7-data-types'

// A TIA Portal / STEP 7 DB source (`DATA_BLOCK "name" … STRUCT … END_STRUCT; BEGIN … END_DATA_BLOCK`, non-optimized)
// turned into tags with their absolute offsets, by the S7 layout rules: BOOLs pack bit by bit; BYTE, CHAR, SINT and
// USINT take the next byte; everything of a word or more, STRING, arrays and structs start on an even byte; structs and
// arrays round up to an even size; STRING[n] takes n+2 bytes and WSTRING[n] 2n+4; arrays of BOOL pack bits.
// UDTs defined in the same file (TYPE … END_TYPE) are resolved.

export interface DbSourceTag {
  /** `Speed`, `Setup.Max`, `Counts[3]`, `Axis[1].Pos`. */
  name: string
  /** The DB's name, then the structs the tag sits in. */
  path: string[]
  /** `DB1.DBD0`, `DB1.DBX4.0`, `DB1.DBB6`. */
  address: string
  /** A type the S7 connector reads: `REAL`, `STRING[20]` … */
  dataType: string
  /** The type as declared, when it is read as another (DATE read as UINT days since 1990-01-01). */
  declaredType?: string
  offset: number
  bit?: number
  comment?: string
}

export interface DbSourceSkipped {
  name: string
  declaredType: string
  offset: number
  reason: string
}

export interface DbLayout {
  name: string
  dbNumber: number
  /** Bytes the DB takes (its last member rounded up to an even size). */
  size: number
  tags: DbSourceTag[]
  /** Members that have an offset but no type the connector reads (64-bit integers, DTL …). */
  skipped: DbSourceSkipped[]
}

export class DbSourceError extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`DB source line ${line}: ${problem}`)
    this.name = 'DbSourceError'
  }
}

type TypeNode =
  | { kind: 'elementary'; name: string; length?: number }
  | { kind: 'struct'; members: Member[] }
  | { kind: 'array'; dims: [number, number][]; element: TypeNode; line: number }
  | { kind: 'udt'; name: string; line: number }

interface Member {
  name: string
  type: TypeNode
  comment?: string
  line: number
}

/** More tags than a connection takes many times over: a source asking for this is a mistake, not a DB to poll. */
const MAX_TAGS = 20_000

/** Bytes of elementary types (BOOL is placed by bits). */
const ELEMENTARY_BYTES: Readonly<Record<string, number>> = {
  BYTE: 1,
  CHAR: 1,
  SINT: 1,
  USINT: 1,
  WORD: 2,
  INT: 2,
  UINT: 2,
  DATE: 2,
  S5TIME: 2,
  WCHAR: 2,
  DWORD: 4,
  DINT: 4,
  UDINT: 4,
  REAL: 4,
  TIME: 4,
  TIME_OF_DAY: 4,
  LREAL: 8,
  LINT: 8,
  ULINT: 8,
  LWORD: 8,
  LTIME: 8,
  DATE_AND_TIME: 8,
  LTIME_OF_DAY: 8,
  DTL: 12,
}
const ALIASES: Readonly<Record<string, string>> = { TOD: 'TIME_OF_DAY', DT: 'DATE_AND_TIME', LTOD: 'LTIME_OF_DAY' }
/** Types the connector has no decoder for, read as the unsigned integer they are stored as. */
const READ_AS: Readonly<Record<string, { type: S7ScalarType; meaning: string }>> = {
  DATE: { type: 'UINT', meaning: 'days since 1990-01-01' },
  TIME_OF_DAY: { type: 'UDINT', meaning: 'ms since midnight' },
  S5TIME: { type: 'WORD', meaning: 'S5TIME as BCD with time base' },
  WCHAR: { type: 'WORD', meaning: 'UTF-16 code unit' },
}

interface Token {
  text: string
  kind: 'word' | 'quoted' | 'string' | 'number' | 'symbol'
  line: number
  /** Line comment that follows the token on its line (member comments). */
  comment?: string
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let line = 1
  let i = 0
  const pattern = /[A-Za-z_][A-Za-z0-9_]*|"(?:[^"]|"")*"|'(?:[^']|'')*'|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\.|:=|[^\s]/y
  while (i < source.length) {
    const ch = source[i]!
    if (ch === '\n') {
      line++
      i++
      continue
    }
    if (/\s/.test(ch)) {
      i++
      continue
    }
    if (source.startsWith('//', i)) {
      const end = source.indexOf('\n', i)
      const comment = source.slice(i + 2, end < 0 ? undefined : end).trim()
      const last = tokens.at(-1)
      if (last && last.line === line && comment) last.comment = comment
      i = end < 0 ? source.length : end
      continue
    }
    if (source.startsWith('(*', i)) {
      const end = source.indexOf('*)', i + 2)
      const body = source.slice(i, end < 0 ? undefined : end + 2)
      line += body.split('\n').length - 1
      i = end < 0 ? source.length : end + 2
      continue
    }
    if (ch === '{') {
      // Attributes ({ S7_Optimized_Access := 'FALSE' }, { S7_SetPoint := 'True'}) are kept as one token.
      const end = source.indexOf('}', i)
      const body = source.slice(i, end < 0 ? undefined : end + 1)
      tokens.push({ text: body, kind: 'symbol', line })
      line += body.split('\n').length - 1
      i = end < 0 ? source.length : end + 1
      continue
    }
    if (/^TITLE\s*=/i.test(source.slice(i, i + 12))) {
      // TITLE = free text to the end of the line.
      const end = source.indexOf('\n', i)
      i = end < 0 ? source.length : end
      continue
    }
    pattern.lastIndex = i
    const match = pattern.exec(source)!
    const text = match[0]
    const kind: Token['kind'] = /^[A-Za-z_]/.test(text)
      ? 'word'
      : text[0] === '"'
        ? 'quoted'
        : text[0] === "'"
          ? 'string'
          : /^\d/.test(text)
            ? 'number'
            : 'symbol'
    tokens.push({ text: kind === 'quoted' ? text.slice(1, -1).replace(/""/g, '"') : text, kind, line })
    i += text.length
  }
  return tokens
}

class Parser {
  private at = 0
  constructor(private readonly tokens: Token[]) {}

  get done(): boolean {
    return this.at >= this.tokens.length
  }
  peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset]
  }
  next(): Token {
    const token = this.tokens[this.at++]
    if (!token) throw new DbSourceError(this.tokens.at(-1)?.line ?? 1, 'the source ends early — is END_STRUCT or END_DATA_BLOCK missing?')
    return token
  }
  is(word: string, offset = 0): boolean {
    const token = this.peek(offset)
    return token !== undefined && (token.kind === 'word' || token.kind === 'symbol') && token.text.toUpperCase() === word
  }
  expect(word: string, what = word): Token {
    const token = this.next()
    if (token.text.toUpperCase() !== word) throw new DbSourceError(token.line, `expected ${what}, found "${token.text}"`)
    return token
  }
  skipAttributes(): string[] {
    const attributes: string[] = []
    while (this.peek()?.text.startsWith('{')) attributes.push(this.next().text)
    return attributes
  }

  /** Members up to END_STRUCT / END_VAR (not consumed). */
  members(end: string): Member[] {
    const members: Member[] = []
    while (!this.is(end)) {
      const nameToken = this.next()
      if (nameToken.kind !== 'word' && nameToken.kind !== 'quoted') throw new DbSourceError(nameToken.line, `expected a member name, found "${nameToken.text}"`)
      this.skipAttributes()
      this.expect(':', `":" after ${nameToken.text}`)
      const type = this.type()
      let comment = this.tokens[this.at - 1]?.comment
      if (this.is(':=')) {
        this.next()
        // The start value: anything up to the semicolon (arrays of values, strings, typed literals).
        let depth = 0
        while (!(depth === 0 && this.is(';'))) {
          const t = this.next()
          if (t.text === '[' || t.text === '(') depth++
          if (t.text === ']' || t.text === ')') depth--
        }
      }
      const semicolon = this.expect(';', `";" after the member ${nameToken.text}`)
      comment = semicolon.comment ?? comment
      members.push({ name: nameToken.text, type, comment, line: nameToken.line })
    }
    return members
  }

  type(): TypeNode {
    const token = this.next()
    const upper = token.text.toUpperCase()
    if (token.kind === 'quoted') return { kind: 'udt', name: token.text, line: token.line }
    if (upper === 'STRUCT') {
      const members = this.members('END_STRUCT')
      this.expect('END_STRUCT')
      return { kind: 'struct', members }
    }
    if (upper === 'ARRAY') {
      this.expect('[', '"[" after Array')
      const dims: [number, number][] = []
      for (;;) {
        const low = this.bound()
        this.expect('..', '".." between the array bounds')
        const high = this.bound()
        if (high < low) throw new DbSourceError(token.line, `array bounds [${low}..${high}] run backwards`)
        dims.push([low, high])
        if (this.is(',')) this.next()
        else break
      }
      this.expect(']')
      this.expect('OF', '"of" after the array bounds')
      return { kind: 'array', dims, element: this.type(), line: token.line }
    }
    if (token.kind !== 'word') throw new DbSourceError(token.line, `expected a data type, found "${token.text}"`)
    const name = ALIASES[upper] ?? upper
    if (name === 'STRING' || name === 'WSTRING') {
      let length = 254
      if (this.is('[')) {
        this.next()
        const n = this.next()
        if (n.kind !== 'number')
          throw new DbSourceError(n.line, `${name} length must be a number, found "${n.text}" (symbolic lengths cannot be resolved here)`)
        length = Number(n.text)
        this.expect(']')
      }
      return { kind: 'elementary', name, length }
    }
    if (name !== 'BOOL' && ELEMENTARY_BYTES[name] === undefined) {
      throw new DbSourceError(token.line, `"${token.text}" is not an S7 data type the layout knows (UDTs are written in quotes: "UDT_Name")`)
    }
    return { kind: 'elementary', name }
  }

  private bound(): number {
    let sign = 1
    if (this.is('-')) {
      this.next()
      sign = -1
    }
    const t = this.next()
    if (t.kind !== 'number') throw new DbSourceError(t.line, `array bound must be a number, found "${t.text}" (constants cannot be resolved here)`)
    return sign * Number(t.text)
  }
}

interface Block {
  kind: 'type' | 'db'
  name: string
  number?: number
  line: number
  optimized: boolean
  body?: TypeNode
}

function parseBlocks(source: string): Block[] {
  const parser = new Parser(tokenize(source))
  const blocks: Block[] = []
  while (!parser.done) {
    const start = parser.next()
    const keyword = start.text.toUpperCase()
    if (keyword !== 'DATA_BLOCK' && keyword !== 'TYPE') {
      throw new DbSourceError(start.line, `expected DATA_BLOCK or TYPE, found "${start.text}" — is this a DB source (.db) exported from TIA Portal or STEP 7?`)
    }
    const nameToken = parser.next()
    let number: number | undefined
    let name = nameToken.text
    // STEP 7 classic: DATA_BLOCK DB 10
    if (nameToken.kind === 'word' && /^DB$/i.test(nameToken.text) && parser.peek()?.kind === 'number') {
      number = Number(parser.next().text)
      name = `DB${number}`
    } else if (nameToken.kind === 'word' && /^DB\d+$/i.test(nameToken.text)) {
      number = Number(nameToken.text.slice(2))
    }
    const end = keyword === 'TYPE' ? 'END_TYPE' : 'END_DATA_BLOCK'
    let optimized = false
    let body: TypeNode | undefined
    // Header lines (attributes, AUTHOR, FAMILY, VERSION, NON_RETAIN …) up to the declaration.
    while (!parser.is('STRUCT') && !parser.is('VAR') && parser.peek()?.kind !== 'quoted' && !parser.is('BEGIN') && !parser.is(end)) {
      const t = parser.next()
      if (t.text.startsWith('{') && /S7_Optimized_Access\s*:=\s*'TRUE'/i.test(t.text)) optimized = true
    }
    if (parser.is('STRUCT')) {
      body = parser.type()
      if (parser.is(';')) parser.next()
    } else if (parser.is('VAR')) {
      parser.next()
      body = { kind: 'struct', members: parser.members('END_VAR') }
      parser.expect('END_VAR')
    } else if (parser.peek()?.kind === 'quoted') {
      const t = parser.next()
      body = { kind: 'udt', name: t.text, line: t.line }
    }
    // The BEGIN section (start values) and anything else up to the end of the block.
    while (!parser.is(end)) parser.next()
    parser.next()
    blocks.push({ kind: keyword === 'TYPE' ? 'type' : 'db', name, number, line: start.line, optimized, body })
  }
  return blocks
}

/** The layout of every DB in the source. `dbNumbers` gives the numbers TIA Portal sources leave out (by DB name). */
export function parseDbSource(source: string, dbNumbers: Readonly<Record<string, number>> = {}): DbLayout[] {
  const blocks = parseBlocks(source)
  const types = new Map(blocks.filter((b) => b.kind === 'type').map((b) => [b.name, b]))
  const layouts: DbLayout[] = []
  for (const block of blocks.filter((b) => b.kind === 'db')) {
    if (block.optimized) {
      throw new DbSourceError(
        block.line,
        `DB "${block.name}" uses optimized block access, so its variables have no fixed offsets — untick "Optimized block access" in the DB's properties (Attributes), compile, and export the source again`,
      )
    }
    const dbNumber = dbNumbers[block.name] ?? block.number
    if (dbNumber === undefined) {
      throw new DbSourceError(
        block.line,
        `the source names DB "${block.name}" but not its number — give the number (TIA Portal: the DB's properties › General › Number)`,
      )
    }
    if (!block.body) throw new DbSourceError(block.line, `DB "${block.name}" declares no variables (no STRUCT … END_STRUCT)`)
    if (block.body.kind === 'udt' && !types.has(block.body.name)) {
      throw new DbSourceError(
        block.line,
        `DB "${block.name}" is built on "${block.body.name}", which this file does not define — export the UDT (or the FB of an instance DB) with the DB, or use a global DB`,
      )
    }
    const layout = new Layout(block.name, dbNumber, types)
    layout.place(block.body, '', [block.name])
    layout.alignEven()
    layouts.push({ name: block.name, dbNumber, size: layout.bytes(), tags: layout.tags, skipped: layout.skipped })
  }
  if (layouts.length === 0) throw new DbSourceError(1, 'no DATA_BLOCK in the source')
  return layouts
}

class Layout {
  /** Position in bits from the start of the DB. */
  private bit = 0
  readonly tags: DbSourceTag[] = []
  readonly skipped: DbSourceSkipped[] = []
  private readonly expanding = new Set<string>()

  constructor(
    private readonly dbName: string,
    private readonly dbNumber: number,
    private readonly types: ReadonlyMap<string, Block>,
  ) {}

  bytes(): number {
    return Math.ceil(this.bit / 8)
  }
  alignByte(): void {
    this.bit = Math.ceil(this.bit / 8) * 8
  }
  alignEven(): void {
    this.bit = Math.ceil(this.bit / 16) * 16
  }

  place(type: TypeNode, name: string, path: string[], comment?: string): void {
    switch (type.kind) {
      case 'struct':
        this.alignEven()
        for (const member of type.members)
          this.place(member.type, name ? `${name}.${member.name}` : member.name, name ? [...path, lastSegment(name)] : path, member.comment)
        this.alignEven()
        return
      case 'udt': {
        const udt = this.types.get(type.name)
        if (!udt?.body) throw new DbSourceError(type.line, `"${type.name}" is not defined in this file — export the UDT with the DB`)
        if (this.expanding.has(type.name)) throw new DbSourceError(type.line, `"${type.name}" contains itself`)
        this.expanding.add(type.name)
        this.place(udt.body, name, path, comment)
        this.expanding.delete(type.name)
        return
      }
      case 'array': {
        this.alignEven()
        const count = type.dims.reduce((n, [low, high]) => n * (high - low + 1), 1)
        if (this.tags.length + count > MAX_TAGS) {
          throw new DbSourceError(
            type.line,
            `${name} has ${count} elements; one import takes at most ${MAX_TAGS} tags — import the DB in parts or leave large arrays out`,
          )
        }
        for (let index = 0; index < count; index++) this.place(type.element, `${name}[${arrayIndex(type.dims, index)}]`, path, comment)
        this.alignEven()
        return
      }
      case 'elementary':
        this.elementary(type, name, path, comment)
    }
  }

  private elementary(type: { name: string; length?: number }, name: string, path: string[], comment?: string): void {
    if (type.name === 'BOOL') {
      const offset = Math.floor(this.bit / 8)
      const bit = this.bit % 8
      this.tags.push(this.tag(name, path, { offset, bit, dataType: 'BOOL', comment }))
      this.bit++
      return
    }
    const size = type.name === 'STRING' ? type.length! + 2 : type.name === 'WSTRING' ? 2 * type.length! + 4 : ELEMENTARY_BYTES[type.name]!
    if (size === 1) this.alignByte()
    else this.alignEven()
    const offset = this.bit / 8
    this.bit += size * 8
    const declared = type.name === 'STRING' || type.name === 'WSTRING' ? `${type.name}[${type.length}]` : type.name
    if ((S7_DATA_TYPES as readonly string[]).includes(type.name)) {
      this.tags.push(this.tag(name, path, { offset, dataType: declared, size, comment }))
      return
    }
    const readAs = READ_AS[type.name]
    if (readAs) {
      this.tags.push(
        this.tag(name, path, {
          offset,
          dataType: readAs.type,
          size,
          declaredType: declared,
          comment: [comment, `${declared} read as ${readAs.type} (${readAs.meaning})`].filter(Boolean).join(' — '),
        }),
      )
      return
    }
    this.skipped.push({ name, declaredType: declared, offset, reason: `${declared} has no decoder in the S7 connector yet` })
  }

  private tag(
    name: string,
    path: string[],
    at: { offset: number; bit?: number; dataType: string; size?: number; declaredType?: string; comment?: string },
  ): DbSourceTag {
    const address = formatS7Address({ area: 'DB', db: this.dbNumber, offset: at.offset, bit: at.bit, size: at.size ?? 1 })
    const tag: DbSourceTag = { name, path, address, dataType: at.dataType, offset: at.offset }
    if (at.bit !== undefined) tag.bit = at.bit
    if (at.declaredType) tag.declaredType = at.declaredType
    if (at.comment) tag.comment = at.comment
    return tag
  }
}

function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1)
}

/** `2,1` for the row-major position `index` in Array[0..1, 0..2]. */
function arrayIndex(dims: readonly [number, number][], index: number): string {
  const parts: number[] = []
  let rest = index
  for (let d = dims.length - 1; d >= 0; d--) {
    const [low, high] = dims[d]!
    const extent = high - low + 1
    parts.unshift(low + (rest % extent))
    rest = Math.floor(rest / extent)
  }
  return parts.join(',')
}
