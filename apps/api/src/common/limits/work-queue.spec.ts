import { BoundedWorkQueue, WorkQueueFull } from './work-queue.js';

/** A task that runs until `finish` is called, recording when it started. */
function gate(started: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    task: async () => {
      started.push(name);
      await done;
      return name;
    },
    finish: () => finish(),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('BoundedWorkQueue', () => {
  it('runs at most `concurrency` tasks at once, the waiting ones in arrival order', async () => {
    const queue = new BoundedWorkQueue(2, 3);
    const started: string[] = [];
    const gates = ['a', 'b', 'c', 'd', 'e'].map((name) => gate(started, name));
    const results = gates.map((g) => queue.run(g.task));
    await settle();
    expect(started).toEqual(['a', 'b']);
    gates[1]?.finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    gates[0]?.finish();
    gates[2]?.finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
    gates[3]?.finish();
    gates[4]?.finish();
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('refuses a task at once when every slot is busy and the waiting line is full', async () => {
    const queue = new BoundedWorkQueue(1, 2);
    expect(queue.capacity).toBe(3);
    const started: string[] = [];
    const gates = ['a', 'b', 'c'].map((name) => gate(started, name));
    const accepted = gates.map((g) => queue.run(g.task));
    expect(queue.full).toBe(true);
    const refused = gate(started, 'd');
    await expect(queue.run(refused.task)).rejects.toBeInstanceOf(WorkQueueFull);
    for (const g of gates) g.finish();
    await expect(Promise.all(accepted)).resolves.toEqual(['a', 'b', 'c']);
    expect(started).toEqual(['a', 'b', 'c']);
    // Once drained, it takes work again.
    expect(queue.full).toBe(false);
    await expect(queue.run(async () => 'again')).resolves.toBe('again');
  });

  it('frees the slot of a task that fails', async () => {
    const queue = new BoundedWorkQueue(1, 0);
    await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run(async () => 'next')).resolves.toBe('next');
  });
});
