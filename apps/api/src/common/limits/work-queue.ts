/** Thrown by BoundedWorkQueue.run when every slot is busy and the waiting line is full. */
export class WorkQueueFull extends Error {
  constructor() {
    super('The work queue is full');
  }
}

/**
 * Runs at most `concurrency` tasks at once; up to `maxWaiting` more wait their turn, first come
 * first served; beyond that a task is refused at once (WorkQueueFull) instead of piling up.
 */
export class BoundedWorkQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly maxWaiting: number,
  ) {}

  /** How many tasks may be queued at once: running plus waiting. */
  get capacity(): number {
    return this.concurrency + this.maxWaiting;
  }

  /** Tasks running or waiting now. */
  get depth(): number {
    return this.running + this.waiting.length;
  }

  /** True when a task asked now would be refused. */
  get full(): boolean {
    return this.running >= this.concurrency && this.waiting.length >= this.maxWaiting;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) this.running++;
    else if (this.waiting.length < this.maxWaiting)
      // The finishing task hands its slot over: `running` stays as it is.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    else throw new WorkQueueFull();
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
