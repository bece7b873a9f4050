// Runs a task per key at most once at a time, coalescing callers: a caller arriving while a run
// is in progress gets the next run (which starts after the current one, so it sees what the caller
// committed before asking), and every caller arriving meanwhile shares that same next run.

export class CoalescingRunner<T> {
  private readonly running = new Map<string, Promise<T>>();
  private readonly queued = new Map<string, Promise<T>>();

  constructor(private readonly task: (key: string) => Promise<T>) {}

  run(key: string): Promise<T> {
    const queued = this.queued.get(key);
    if (queued) return queued;
    const current = this.running.get(key);
    if (!current) return this.start(key);
    const next = current.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      this.queued.delete(key);
      return this.start(key);
    });
    this.queued.set(key, next);
    return next;
  }

  /** Resolves when no run is in progress or queued. */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.queued.size > 0) {
      await Promise.allSettled([...this.running.values(), ...this.queued.values()]);
    }
  }

  private start(key: string): Promise<T> {
    const promise = this.task(key).finally(() => {
      if (this.running.get(key) === promise) this.running.delete(key);
    });
    this.running.set(key, promise);
    return promise;
  }
}
