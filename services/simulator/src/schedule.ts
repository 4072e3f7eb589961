/**
 * Which device steps next: a binary min-heap on (due time, device order), so devices are stepped in
 * simulated-time order and ties break the same way every run.
 */
import type { DeviceSim } from './fleet.ts';
import type { Emission } from './models/model.ts';

export interface Due {
  readonly sim: DeviceSim;
  readonly order: number;
  at: number;
}

export class DueQueue {
  readonly #heap: Due[] = [];

  get size(): number {
    return this.#heap.length;
  }

  peek(): Due | undefined {
    return this.#heap[0];
  }

  push(d: Due): void {
    const h = this.#heap;
    h.push(d);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  pop(): Due | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.#less(l, m)) m = l;
      if (r < h.length && this.#less(r, m)) m = r;
      if (m === i) return top;
      this.#swap(i, m);
      i = m;
    }
  }

  #less(i: number, j: number): boolean {
    const a = this.#heap[i];
    const b = this.#heap[j];
    if (a === undefined || b === undefined) return false;
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }

  #swap(i: number, j: number): void {
    const h = this.#heap;
    const a = h[i];
    const b = h[j];
    if (a === undefined || b === undefined) return;
    h[i] = b;
    h[j] = a;
  }
}

/** A queue with every device due at its first step at or after `fromMs`. */
export function queueFrom(sims: readonly DeviceSim[], fromMs: number): DueQueue {
  const q = new DueQueue();
  sims.forEach((sim, order) => {
    q.push({ sim, order, at: sim.firstStepAt(fromMs) });
  });
  return q;
}

export interface Stepped {
  readonly at: number;
  readonly sim: DeviceSim;
  readonly emissions: readonly Emission[];
}

/** Steps the fleet through [fromMs, toMs) in time order at each device's natural rhythm (tests, tools). */
export function* simulate(sims: readonly DeviceSim[], fromMs: number, toMs: number): Generator<Stepped> {
  const q = queueFrom(sims, fromMs);
  for (let d = q.pop(); d !== undefined && d.at < toMs; d = q.pop()) {
    yield { at: d.at, sim: d.sim, emissions: d.sim.step(d.at) };
    d.at += d.sim.stepMs;
    q.push(d);
  }
}
