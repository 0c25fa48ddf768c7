import { userInfo } from 'node:os'

/** Who the audit log and the deploy versions name: the operating system's user, as the process runs. */
export function osUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown user'
  }
}
