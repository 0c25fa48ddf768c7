/**
 * The one CSP both hosts send: no remote code, no inline scripts, connections only back to the page's own origin.
 * 'self' also matches ws:/wss: on the page's host and port (CSP Level 3), which is all the browser-mode client opens.
 */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ')
}
