/**
 * `pnpm evidence:retention [--dry-run] [--days N]`: one evidence retention pass with the
 * all-in-one's configuration (HPG_CONFIG and the environment, as `pnpm start` reads them) —
 * deletes evidence files older than the retention period that are not kept as evidence, each
 * deletion in the audit log, and prints what it deleted and what it kept past the period. With
 * `--dry-run` it prints what it would delete and changes nothing. The running process does the
 * same daily; this is for an operator's look before that, or a run on demand.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatRetentionReport, retentionOnce } from '@hpg/alert-service';
import { ConfigError } from '@hpg/platform';
import { openSqliteStore } from '@hpg/store-sqlite';
import { loadAllInOneConfig } from './config.ts';
import { evidencePaths } from './evidence.ts';

const usage = 'usage: pnpm evidence:retention [--dry-run] [--days N]';

async function main(): Promise<number> {
  let args: { values: { 'dry-run'?: boolean; days?: string; help?: boolean } };
  try {
    args = parseArgs({
      options: { 'dry-run': { type: 'boolean' }, days: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  if (args.values.help === true) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  let config: ReturnType<typeof loadAllInOneConfig>;
  try {
    config = loadAllInOneConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`evidence:retention: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const days = args.values.days === undefined ? config.evidence.retention.days : Number(args.values.days);
  if (!Number.isInteger(days) || days < 1) {
    process.stderr.write(`--days must be a whole number of days, at least 1\n${usage}\n`);
    return 2;
  }
  const paths = evidencePaths(config);
  const store = existsSync(paths.storePath) ? await openSqliteStore({ path: paths.storePath }) : undefined;
  try {
    const report = await retentionOnce(
      { dir: paths.dir, auditPath: paths.auditPath, alertStorePath: paths.alertStorePath },
      {
        now: Date.now(),
        days,
        dryRun: args.values['dry-run'] === true,
        ...(store === undefined ? {} : { detections: store }),
      },
    );
    process.stdout.write(`evidence ${paths.dir}\n${formatRetentionReport(report)}\n`);
    return report.failed.length > 0 ? 1 : 0;
  } finally {
    await store?.close();
  }
}

process.exitCode = await main();
