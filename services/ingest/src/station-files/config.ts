import { IdSchema } from '@hpg/contracts';
import { z } from 'zod';

/**
 * The drop directory where the wastewater stations' FTP uploads land (provincial transfer
 * files, Circular 10/2021 practice), and how a file is judged complete.
 */
export const StationFilesConfigSchema = z.object({
  enabled: z.boolean().default(false),
  /** Where the FTP server writes; `processed/` and `failed/` are made inside it. */
  dropDir: z.string().min(1).default('var/station-drop'),
  /**
   * A file is taken once it has not changed (size and modification time) for this long: FTP
   * writes a file progressively and gives no "complete" signal. A file whose modification time
   * is older than this (left from before a restart) is taken at the first look.
   */
  stableMs: z.number().int().min(0).max(600_000).default(5_000),
  /** An empty file is given longer: an FTP upload creates the file before the first byte. */
  emptyStableMs: z.number().int().min(0).max(3_600_000).default(60_000),
  /** Directory scan period (the file-system watch only makes pick-up faster). */
  scanIntervalMs: z.number().int().min(10).max(600_000).default(2_000),
  /** Larger files are refused whole (a transfer file is well under 10 KiB). */
  maxFileBytes: z
    .number()
    .int()
    .min(1_024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** How long the content ledger remembers a file (for its first receive time). */
  ledgerDays: z.number().int().min(1).max(3_650).default(400),
  /**
   * Station code → device id, for stations whose code is not their device id; without an entry
   * the device id is the code in lower case. Set in the JSON config file.
   */
  stations: z.record(z.string().min(1).max(128), IdSchema).default({}),
});
export type StationFilesConfig = z.infer<typeof StationFilesConfigSchema>;

export const STATION_FILES_ENV = {
  HPG_STATION_FILES_ENABLED: {
    path: 'stationFiles.enabled',
    type: 'bool',
    description: 'take wastewater-station transfer files from the drop directory',
  },
  HPG_STATION_DROP_DIR: {
    path: 'stationFiles.dropDir',
    type: 'string',
    description: "stations' FTP drop directory",
  },
  HPG_STATION_STABLE_MS: {
    path: 'stationFiles.stableMs',
    type: 'int',
    description: 'a file is taken once unchanged this long, ms',
  },
  HPG_STATION_SCAN_INTERVAL_MS: {
    path: 'stationFiles.scanIntervalMs',
    type: 'int',
    description: 'drop directory scan period, ms',
  },
  HPG_STATION_MAX_FILE_BYTES: {
    path: 'stationFiles.maxFileBytes',
    type: 'int',
    description: 'largest accepted transfer file, bytes',
  },
} as const;
