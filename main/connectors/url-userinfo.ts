// `user:password@` in an endpoint URL (mqtt://plant:secret@broker): taken apart so the password is stored sealed and
// never shown or logged with the URL.

const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i

export interface UrlUserinfo {
  /** The URL without `user:password@`. */
  url: string
  username?: string
  password?: string
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    // A stray % is taken literally, as a person would have meant it.
    return part
  }
}

/** Splits the userinfo off a URL (percent-decoded, as a URL carries it); a URL without one comes back unchanged. */
export function splitUrlUserinfo(url: string): UrlUserinfo {
  const match = USERINFO.exec(url)
  if (!match) return { url }
  const userinfo = match[2]
  const colon = userinfo.indexOf(':')
  const username = decode(colon === -1 ? userinfo : userinfo.slice(0, colon))
  const password = colon === -1 ? undefined : decode(userinfo.slice(colon + 1))
  return {
    url: match[1] + url.slice(match[0].length),
    ...(username === '' ? {} : { username }),
    ...(password === undefined || password === '' ? {} : { password }),
  }
}

/** The URL as it may be shown or logged. */
export function withoutUrlUserinfo(url: string): string {
  return splitUrlUserinfo(url).url
}
