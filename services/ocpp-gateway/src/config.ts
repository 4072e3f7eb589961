import type { EnvBinding } from '@hpg/platform';
import { z } from 'zod';

export const OCPP_PROTOCOLS = ['ocpp1.6', 'ocpp2.0.1'] as const;
export type OcppProtocol = (typeof OCPP_PROTOCOLS)[number];

/** The OCPP-J central system's settings. */
export const OcppGatewayConfigSchema = z.object({
  host: z.string().min(1).default('0.0.0.0'),
  /** 0 lets the system choose (tests). */
  port: z.number().int().min(0).max(65_535).default(9220),
  /** Sub-protocols offered, in order of preference. */
  protocols: z.array(z.enum(OCPP_PROTOCOLS)).min(1).default(['ocpp1.6', 'ocpp2.0.1']),
  /** Heartbeat interval answered in BootNotification, seconds. */
  heartbeatIntervalSeconds: z.number().int().min(10).max(86_400).default(300),
  /** Timestamps further ahead of the receive time than this are refused. */
  maxFutureSkewSeconds: z.number().int().min(0).max(86_400).default(300),
  /** Open transactions are kept here (written atomically) so they survive a restart. */
  stateFile: z.string().min(1).default('data/ocpp-state.json'),
});
export type OcppGatewayConfig = z.infer<typeof OcppGatewayConfigSchema>;

export const OCPP_ENV = {
  HPG_OCPP_HOST: { path: 'ocpp.host', type: 'string', description: 'address the OCPP-J WebSocket server binds' },
  HPG_OCPP_PORT: { path: 'ocpp.port', type: 'int', description: 'port of the OCPP-J WebSocket server' },
  HPG_OCPP_HEARTBEAT_SECONDS: {
    path: 'ocpp.heartbeatIntervalSeconds',
    type: 'int',
    description: 'heartbeat interval told to chargers at boot, seconds',
  },
  HPG_OCPP_STATE_FILE: {
    path: 'ocpp.stateFile',
    type: 'string',
    description: 'JSON file keeping open transactions across restarts',
  },
} as const satisfies Record<string, EnvBinding>;
