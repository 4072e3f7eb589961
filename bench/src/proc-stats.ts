/**
 * CPU time and resident memory of the processes a benchmark runs, read from /proc for the engines
 * (influxd, the Kafka JVM, mosquitto, Kafka's tools) and from the Prometheus /metrics of our own
 * services. CPU % is CPU time over wall time × 100: 100 % is one core fully busy.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** The most CPU % the machine can give (every core busy). */
export const MACHINE_CPU_PERCENT = cpus().length * 100;

export interface ProcSample {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  /** JS heap in use (our services only: their /metrics). */
  readonly heapUsedBytes?: number;
}

/** user + system CPU time and RSS of a live process; undefined once it is gone. */
export function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: count fields after the last ')'.
    // There, index 0 is field 3 (state), so utime (field 14) is 11 and stime (field 15) is 12.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    return { cpuSeconds, rssBytes: rssKb * 1024 };
  } catch {
    return undefined;
  }
}

/** The CPU and RSS metrics of one of our services (prom-client's default process metrics). */
export async function readServiceMetrics(ops: string, prefix = 'hpg_'): Promise<ProcSample | undefined> {
  try {
    const text = await (await fetch(`${ops}/metrics`)).text();
    const value = (name: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${prefix}${name} `));
      return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
    };
    return {
      cpuSeconds: value('process_cpu_seconds_total'),
      rssBytes: value('process_resident_memory_bytes'),
      heapUsedBytes: value('nodejs_heap_size_used_bytes'),
    };
  } catch {
    return undefined;
  }
}

/**
 * The whole machine: CPU time every core spent busy (not idle, not waiting for I/O), and memory
 * in use (MemTotal - MemAvailable). On a shared machine, what others used shows here.
 */
export function readMachine(): ProcSample | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    const busy = cpu.slice(0, 8).reduce((a, b) => a + b, 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0);
    const mem = readFileSync('/proc/meminfo', 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(mem)?.[1] ?? 0);
    return { cpuSeconds: busy / CLK_TCK, rssBytes: (kb('MemTotal') - kb('MemAvailable')) * 1024 };
  } catch {
    return undefined;
  }
}

/** Where to read one process from. */
export type ProcSource =
  | { readonly pid: number }
  | { readonly ops: string }
  /** The benchmark's own process. */
  | { readonly self: true }
  /** Every process on the machine (readMachine). */
  | { readonly machine: true };

async function read(source: ProcSource): Promise<ProcSample | undefined> {
  if ('pid' in source) return readProc(source.pid);
  if ('ops' in source) return readServiceMetrics(source.ops);
  if ('machine' in source) return readMachine();
  const u = process.cpuUsage();
  return { cpuSeconds: (u.user + u.system) / 1e6, rssBytes: process.memoryUsage.rss() };
}

export interface ProcUsage {
  /** CPU % over the window (100 = one core). */
  readonly cpuPercent: number;
  readonly cpuSeconds: number;
  /** RSS at the end of the window (the last sample, for a process that ended inside it). */
  readonly rssMb: number;
}

/**
 * CPU used by a set of processes between `start` and `stop`. Processes that may exit inside the
 * window (a tool run) are polled every 250 ms, so their last sample before exit counts.
 */
export class CpuWindow {
  readonly #sources = new Map<string, ProcSource>();
  readonly #polled = new Set<string>();
  readonly #first = new Map<string, ProcSample>();
  readonly #last = new Map<string, ProcSample>();
  readonly #started = performance.now();
  readonly #timer = setInterval(() => {
    for (const name of this.#polled) void this.#sample(name);
  }, 250).unref();

  /** Opens a window over `sources`, sampling each of them now. */
  static async start(sources: Record<string, ProcSource>): Promise<CpuWindow> {
    const w = new CpuWindow();
    for (const [name, source] of Object.entries(sources)) w.#sources.set(name, source);
    await w.refresh();
    for (const [name, s] of w.#last) w.#first.set(name, s);
    return w;
  }

  /** Adds a process started inside the window (all of its CPU time counts), polled until it ends. */
  add(name: string, source: ProcSource): void {
    this.#sources.set(name, source);
    this.#first.set(name, { cpuSeconds: 0, rssBytes: 0 });
    this.#polled.add(name);
  }

  /** Samples every process now (e.g. right before a tool is known to exit). */
  async refresh(): Promise<void> {
    await Promise.all([...this.#sources.keys()].map((n) => this.#sample(n)));
  }

  async #sample(name: string): Promise<void> {
    const source = this.#sources.get(name);
    const s = source === undefined ? undefined : await read(source);
    if (s !== undefined) this.#last.set(name, s);
  }

  /** Closes the window: usage per process, and the window's wall time. */
  async stop(): Promise<{ wallSeconds: number; usage: Record<string, ProcUsage> }> {
    clearInterval(this.#timer);
    await this.refresh();
    const wallSeconds = (performance.now() - this.#started) / 1000;
    const usage: Record<string, ProcUsage> = {};
    for (const name of this.#sources.keys()) {
      const a = this.#first.get(name);
      const b = this.#last.get(name);
      if (a === undefined || b === undefined) continue;
      const cpuSeconds = b.cpuSeconds - a.cpuSeconds;
      usage[name] = {
        cpuPercent: round1((cpuSeconds / wallSeconds) * 100),
        cpuSeconds: round1(cpuSeconds),
        rssMb: Math.round(b.rssBytes / 1e6),
      };
    }
    return { wallSeconds, usage };
  }
}

/**
 * CPU % of the machine (`machine` in `usage`) that none of the other processes in `usage` used:
 * other users' processes, and kernel work not charged to a process (loopback networking).
 */
export function restOfMachine(usage: Readonly<Record<string, ProcUsage>>): number {
  const { machine, ...ours } = usage;
  if (machine === undefined) return Number.NaN;
  return round1(machine.cpuPercent - Object.values(ours).reduce((sum, u) => sum + u.cpuPercent, 0));
}

export const round1 = (n: number) => Math.round(n * 10) / 10;
