/**
 * Starts the production engines once for the integration project and stops them at the end.
 * In CI an engine that cannot start fails the run: integration tests are never skipped there.
 * Locally, a missing engine skips its tests with a loud message (install with
 * `bash infra/native/up.sh` or each script's `install`).
 */
import type { TestProject } from 'vitest/node';
import { type EngineName, type EnginesInfo, engineScript, startInflux, startKafka, startMosquitto } from './engines.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    engines: EnginesInfo;
  }
}

export default async function setup(project: TestProject) {
  const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
  const started: [EngineName, Record<string, string>][] = [];
  const stopAll = async () => {
    await Promise.allSettled(started.map(([name, env]) => engineScript(name, 'stop', env)));
  };
  const failures: string[] = [];
  const attempt = async <T extends { env: Record<string, string> }>(name: EngineName, start: () => Promise<T>) => {
    try {
      const info = await start();
      started.push([name, info.env]);
      return info;
    } catch (err) {
      if (ci) {
        failures.push(`integration engine ${name} did not start in CI: ${String(err)}`);
        return undefined;
      }
      process.stderr.write(
        `\n!!! ${name} is not available, its integration tests are SKIPPED (CI fails instead).\n!!! ${String(err).split('\n')[0]}\n!!! Install: bash infra/native/${name}.sh install\n\n`,
      );
      return undefined;
    }
  };
  const [kafka, influx, mqtt] = await Promise.all([
    attempt('kafka', startKafka),
    attempt('influxdb', startInflux),
    attempt('mosquitto', startMosquitto),
  ]);
  if (failures.length > 0) {
    // The engines that did start are stopped before failing: nothing is left running.
    await stopAll();
    throw new Error(failures.join('\n'));
  }
  project.provide('engines', {
    ...(kafka !== undefined && { kafka }),
    ...(influx !== undefined && { influx }),
    ...(mqtt !== undefined && { mqtt }),
  });
  return stopAll;
}
