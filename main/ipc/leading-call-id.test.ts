import { describe, expect, it } from 'vitest'
import { leadingCallId } from './leading-call-id'

describe('leadingCallId', () => {
  it('reads the id of a message cut off inside its input, as the clients send it', () => {
    const cut = JSON.stringify({ kind: 'call', id: 42, channel: 'tags.list', input: { search: 'x'.repeat(5000) } }).slice(0, 1024)
    expect(leadingCallId(cut)).toBe(42)
    expect(leadingCallId(' {\n "id" : -7 ,"kind":"call"')).toBe(-7)
  })

  it('steps over strings with escapes, nested values and numbers before the id', () => {
    expect(leadingCallId('{"kind":"a\\"id\\":1","x":{"id":2,"y":[1,{"id":3}]},"n":1.5e3,"ok":true,"id":9,')).toBe(9)
  })

  it('gives up when the id comes after the cut, is not an integer, or the text is not a JSON object', () => {
    expect(leadingCallId(`{"kind":"call","input":{"search":"${'x'.repeat(2000)}`)).toBeUndefined()
    expect(leadingCallId('{"id":1.5,')).toBeUndefined()
    expect(leadingCallId('{"id":"7",')).toBeUndefined()
    expect(leadingCallId('{"id":99999999999999999999,')).toBeUndefined()
    expect(leadingCallId('{"id":12')).toBeUndefined()
    expect(leadingCallId('[{"id":1}]')).toBeUndefined()
    expect(leadingCallId('not json')).toBeUndefined()
    expect(leadingCallId('')).toBeUndefined()
  })
})
