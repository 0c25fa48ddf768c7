/** An engine error a person can act on: a rule that does not exist, or a rule that cannot work as given. */
export class AlarmEngineError extends Error {
  constructor(
    readonly kind: 'not-found' | 'invalid',
    message: string,
  ) {
    super(message)
  }
}
