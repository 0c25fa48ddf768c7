// Work that runs at most N at a time, newest first: thumbnails asked for by the rows on screen now are made before those of
// rows a person has already scrolled past.

export class NewestFirstQueue {
  private readonly waiting: (() => void)[] = []
  private running = 0

  constructor(private readonly concurrency: number) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => {
        this.running++
        // The slot is handed on before the caller hears back, so the next task is already under way.
        const release = (): void => {
          this.running--
          this.next()
        }
        work().then(
          (value) => {
            release()
            resolve(value)
          },
          (error: unknown) => {
            release()
            reject(error instanceof Error ? error : new Error(String(error)))
          },
        )
      })
      this.next()
    })
  }

  /** Tasks not started yet. */
  get pending(): number {
    return this.waiting.length
  }

  private next(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) this.waiting.pop()!()
  }
}
