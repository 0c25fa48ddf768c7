import { MessageSecurityMode, SecurityPolicy, UserTokenType } from 'node-opcua'

/** The security policies the workbench offers, by their short OPC UA names. */
export const SECURITY_POLICY_NAMES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const
export type SecurityPolicyName = (typeof SECURITY_POLICY_NAMES)[number]

export const SECURITY_MODE_NAMES = ['None', 'Sign', 'SignAndEncrypt'] as const
export type SecurityModeName = (typeof SECURITY_MODE_NAMES)[number]

export type UserTokenName = 'anonymous' | 'username' | 'certificate' | 'issued'

export function toSecurityPolicy(name: SecurityPolicyName): SecurityPolicy {
  return SecurityPolicy[name]
}

export function toSecurityMode(name: SecurityModeName): MessageSecurityMode {
  return MessageSecurityMode[name]
}

/** The short name of a policy URI; obsolete policies (Basic128Rsa15, Basic256) keep their own name. */
export function securityPolicyName(uri: string | null | undefined): string {
  if (!uri) return 'None'
  return uri.slice(uri.lastIndexOf('#') + 1)
}

export function securityModeName(mode: MessageSecurityMode): string {
  return MessageSecurityMode[mode] ?? `Unknown(${mode})`
}

export function userTokenName(type: UserTokenType): UserTokenName {
  switch (type) {
    case UserTokenType.Anonymous:
      return 'anonymous'
    case UserTokenType.UserName:
      return 'username'
    case UserTokenType.Certificate:
      return 'certificate'
    default:
      return 'issued'
  }
}

export function isSecurityPolicyName(value: string): value is SecurityPolicyName {
  return (SECURITY_POLICY_NAMES as readonly string[]).includes(value)
}

export function isSecurityModeName(value: string): value is SecurityModeName {
  return (SECURITY_MODE_NAMES as readonly string[]).includes(value)
}
