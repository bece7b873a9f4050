// One namespace's operations in order: catch-ups, loads, rebuilds and unloads never overlap. A
// catch-up asked for while another is still waiting to start joins it (it starts after the call,
// so it sees every change committed before the call), so a burst of searches costs one catch-up.
export class NamespaceGate<T> {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting: Promise<T> | null = null;

  /** Runs `task` after everything queued before it. */
  exclusive<R>(task: () => Promise<R>): Promise<R> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => {});
    return run;
  }

  /** Runs `task` after everything queued, or joins a catch-up queued and not yet started. */
  catchUp(task: () => Promise<T>): Promise<T> {
    if (this.waiting) return this.waiting;
    const run = this.exclusive(() => {
      this.waiting = null;
      return task();
    });
    this.waiting = run;
    return run;
  }

  /** Resolves once everything queued so far has run. */
  idle(): Promise<void> {
    return this.tail.then(() => {});
  }
}
