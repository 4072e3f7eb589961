/**
 * How every service process is started: its Node.js flags and its environment (the bench and
 * test spawners, `pnpm start`, the image and so the Compose file set them the same way; see
 * README, Production).
 *
 * --max-semi-space-size=16: V8 sizes the young generation from the machine's memory; on a host
 * with many GiB it grows to two 64 MB semi-spaces, which a busy service fills between scavenges,
 * so RSS sits ~100 MB higher for no gain (measured in one run: ingest 386 → 279 MB, writer
 * 340 → 263 MB, throughput 1.03).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];

/**
 * MALLOC_ARENA_MAX=2: glibc gives each thread that allocates (V8's GC helpers, libuv's pool) a
 * malloc arena of its own, up to 8 per core, and keeps what each arena once held; two arenas
 * hold the same work in less memory. bench/src/memory.ts measures it against the default.
 */
export const SERVICE_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
