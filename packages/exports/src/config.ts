/**
 * The export scheduler's settings (the all-in-one's `exports` section; a production process reads
 * the same variables).
 */
import { z } from 'zod';
import { FORMATS, LANGS } from './model.ts';

export const ExportsConfigSchema = z.object({
  /** Where exports are kept; the all-in-one's default is `exports/` beside the store file. */
  dir: z.string().min(1).optional(),
  formats: z.array(z.enum(FORMATS)).min(1).default(['xlsx', 'csv', 'json']),
  lang: z.enum(LANGS).default('vi'),
  /** How often the scheduler looks for due exports (it writes only what is missing or stale). */
  checkEveryMs: z.number().int().min(1_000).max(86_400_000).default(3_600_000),
  firstCheckAfterMs: z.number().int().min(0).max(86_400_000).default(60_000),
});
export type ExportsConfig = z.infer<typeof ExportsConfigSchema>;

export const EXPORTS_ENV = {
  HPG_EXPORTS_DIR: { path: 'exports.dir', type: 'string', description: 'where exports are kept' },
  HPG_EXPORTS_FORMATS: { path: 'exports.formats', type: 'list', description: 'xlsx,csv,json' },
  HPG_EXPORTS_LANG: { path: 'exports.lang', type: 'string', description: 'vi | en (scheduled exports)' },
  HPG_EXPORTS_CHECK_EVERY_MS: {
    path: 'exports.checkEveryMs',
    type: 'int',
    description: 'look for due exports every … ms',
  },
} as const;
