/**
 * The Node.js flags every service process is started with (the bench and test spawners, the
 * Compose file and the image set them the same way; see README, Operations).
 *
 * --max-semi-space-size=16: V8 sizes the young generation from the machine's memory; on a host
 * with many GiB it grows to two 64 MB semi-spaces, which a service at 20,000 msg/s fills between
 * scavenges, so RSS sits ~100 MB higher for no gain. 16 MB semi-spaces keep each service's RSS
 * under its 250 MB budget at the same throughput (bench/src/memory.ts measures both in one run).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];
