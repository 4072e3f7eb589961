/**
 * `pnpm export --month 2026-10 [--locality hai-phong[,tan-minh…]] [--format xlsx,csv,json]
 *              [--lang vi|en] [--out var/exports] [--averaging hour|day]`
 * `pnpm export --year 2026 …`
 *
 * Writes `<out>/<period>/<locality>_<period>.<ext>` for each locality (default: every locality and
 * the city) and format, always (an explicit request; the same data gives the same bytes, so a
 * file made again is reported `unchanged`), with a progress bar on stderr and one line per file
 * on stdout. Registry: HPG_REGISTRY (default config/registry.demo.json); regulatory data:
 * HPG_REGULATORY_DIR (default config/regulatory); averaging: --averaging, else
 * HPG_INDICATORS_AVERAGING, else hour (the indicator service's, so exports agree with its points).
 * The store is the caller's (the entry point opens SQLite, or InfluxDB when HPG_INFLUX_URL is set).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { progressBar } from '@hpg/platform';
import type { Store } from '@hpg/ports';
import { Registry } from '@hpg/registry';
import { loadRegulatory, type Regulatory, type ReportDeps } from '@hpg/reports';
import { ExportError } from './build.ts';
import { Exporter } from './exporter.ts';
import { FORMATS, type Format, LANGS, type Lang } from './model.ts';
import { parsePeriod } from './period.ts';

export const USAGE =
  'usage: pnpm export (--month YYYY-MM | --year YYYY) [--locality id[,id…]|all] [--format xlsx,csv,json] [--lang vi|en] [--out var/exports] [--averaging hour|day]';

export interface CliIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown; isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface CliDeps {
  /** Opens the store the environment names. */
  readonly openStore: (env: Readonly<Record<string, string | undefined>>) => Promise<Store>;
  readonly now?: () => number;
  /** The police's outcomes of dumping alerts, where the alert store is on this machine (as the API counts them). */
  readonly dumpingOutcomes?: ReportDeps['dumpingOutcomes'];
  /** For tests; otherwise read from HPG_REGISTRY and HPG_REGULATORY_DIR. */
  readonly registry?: Registry;
  readonly regulatory?: Regulatory;
}

class UsageError extends Error {}

function parse(argv: readonly string[], env: CliIo['env']) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      month: { type: 'string' },
      year: { type: 'string' },
      locality: { type: 'string' },
      format: { type: 'string' },
      lang: { type: 'string' },
      out: { type: 'string' },
      averaging: { type: 'string' },
    },
    strict: true,
  });
  if ((values.month === undefined) === (values.year === undefined))
    throw new UsageError('give exactly one of --month YYYY-MM and --year YYYY');
  const raw = (values.month ?? values.year) as string;
  const period = parsePeriod(raw);
  if (period === undefined || (values.month !== undefined) !== (period.kind === 'month'))
    throw new UsageError(values.month !== undefined ? '--month must be YYYY-MM' : '--year must be YYYY');
  const formats = (values.format ?? FORMATS.join(','))
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const f of formats)
    if (!FORMATS.includes(f as Format)) throw new UsageError(`--format takes ${FORMATS.join(', ')}; got "${f}"`);
  const lang = values.lang ?? 'vi';
  if (!LANGS.includes(lang as Lang)) throw new UsageError('--lang must be vi or en');
  const averaging = values.averaging ?? env.HPG_INDICATORS_AVERAGING ?? 'hour';
  if (averaging !== 'hour' && averaging !== 'day') throw new UsageError('--averaging must be hour or day');
  return {
    period,
    localities: values.locality,
    formats: [...new Set(formats)] as Format[],
    lang: lang as Lang,
    out: resolve(values.out ?? env.HPG_EXPORTS_DIR ?? 'var/exports'),
    averaging: averaging as 'hour' | 'day',
  };
}

export async function runExportCli(argv: readonly string[], io: CliIo, deps: CliDeps): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv, io.env);
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const registry =
    deps.registry ??
    Registry.from(JSON.parse(readFileSync(resolve(io.env.HPG_REGISTRY ?? 'config/registry.demo.json'), 'utf8')));
  const regulatory = deps.regulatory ?? loadRegulatory(resolve(io.env.HPG_REGULATORY_DIR ?? 'config/regulatory'));
  const localityIds =
    args.localities === undefined || args.localities === 'all'
      ? registry.data.localities.map((l) => l.id).sort()
      : [
          ...new Set(
            args.localities
              .split(',')
              .map((l) => l.trim())
              .filter(Boolean),
          ),
        ];
  const unknown = localityIds.filter((id) => registry.locality(id) === undefined);
  if (unknown.length > 0 || localityIds.length === 0) {
    io.stderr.write(
      `unknown locality: ${unknown.join(', ') || '(none given)'}; known: ${registry.data.localities.map((l) => l.id).join(', ')}\n`,
    );
    return 2;
  }
  const started = performance.now();
  const store = await deps.openStore(io.env);
  try {
    const exporter = new Exporter(
      {
        store,
        registry: () => registry,
        regulatory,
        ...(deps.now === undefined ? {} : { now: deps.now }),
        ...(deps.dumpingOutcomes === undefined ? {} : { dumpingOutcomes: deps.dumpingOutcomes }),
      },
      { dir: args.out, averaging: args.averaging },
    );
    const bar = progressBar(`export ${args.period.label}`, exporter.devicesToRead(localityIds, args.period), io.stderr);
    const produced = await exporter.produce({
      localityIds,
      period: args.period,
      formats: args.formats,
      lang: args.lang,
      force: true,
      onDevice: (done) => bar.update(done, 'devices read'),
    });
    bar.finish(`${produced.length} files`);
    for (const p of produced)
      io.stdout.write(`${p.outcome.padEnd(9)} ${join(args.out, p.path)}  ${p.size} B  sha256 ${p.sha256}\n`);
    io.stdout.write(
      `${JSON.stringify({ period: args.period.label, localities: localityIds.length, files: produced.length, seconds: Number(((performance.now() - started) / 1000).toFixed(2)) })}\n`,
    );
    return 0;
  } catch (err) {
    io.stderr.write(`export failed: ${(err as Error).message}\n`);
    return err instanceof ExportError ? 2 : 1;
  } finally {
    await store.close();
  }
}
