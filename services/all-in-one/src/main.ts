/**
 * `pnpm start`: the whole pipeline in one process on embedded defaults, with the simulated fleet.
 * Configuration: environment variables (see the README) and an optional JSON file in HPG_CONFIG.
 */
import { ConfigError, createLogger, exitOnSignals } from '@hpg/platform';
import { startAllInOne } from './compose.ts';
import { loadAllInOneConfig } from './config.ts';

let config: ReturnType<typeof loadAllInOneConfig>;
try {
  config = loadAllInOneConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`hpg: cannot start, ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

const logger = createLogger({ name: 'hpg', level: config.log.level });
try {
  const app = await startAllInOne(config, logger);
  exitOnSignals(app.lifecycle, logger, () => logger.flush());
  const api = app.apiUrl;
  process.stderr.write(
    [
      '',
      'Hai Phong green-transition monitor is running (embedded mode)',
      `  MQTT broker (devices)   ${app.mqttUrl}   topics hpg/v1/devices/{deviceId}/{message}`,
      ...(app.mqttTlsUrl === undefined
        ? []
        : [
            `  MQTT over TLS           ${app.mqttTlsUrl}   ${config.mqtt.tls.requireClientCert ? 'client certificate (CN = device id) required' : 'client certificate (CN = device id) or password'}`,
          ]),
      `  web app                 ${api}/`,
      `  HTTP API                ${api}   (OpenAPI: ${api}/api/v1/openapi.json)`,
      config.auth.enabled
        ? `  sign in                 POST ${api}/api/v1/auth/login {"username":"admin","password":"hpg-demo"} → Bearer token (users: ${config.auth.usersFile})`
        : '  sign in                 OFF (HPG_AUTH_ENABLED=false): every request is an administrator',
      `  latest readings         ${api}/api/v1/readings?order=desc&limit=20`,
      `  one locality            ${api}/api/v1/readings?localityId=tan-minh&order=desc&limit=20`,
      `  refusals by reason      ${api}/api/v1/refusals/summary`,
      `  health / metrics        ${api}/healthz   ${api}/metrics`,
      `  store file              ${config.store.path}`,
      config.exports.enabled
        ? `  exports                 ${api}/api/v1/exports   (pnpm export --month YYYY-MM)`
        : '  exports                 scheduler off (HPG_EXPORTS_ENABLED=true)',
      config.ocpp.enabled
        ? `  OCPP-J (EV chargers)    ws://${config.ocpp.host}:${config.ocpp.port}/{chargerId}`
        : '  OCPP-J (EV chargers)    off (HPG_OCPP_ENABLED=true to start it)',
      config.stationFiles.enabled
        ? `  station files (FTP)     ${config.stationFiles.dropDir}   <station>_<YYYYMMDDhhmmss>.txt`
        : '  station files (FTP)     off (HPG_STATION_FILES_ENABLED=true to take them)',
      config.simulator.enabled
        ? `  simulated fleet         ${app.registry.data.devices.length} devices (seed ${config.simulator.seed}, speed ${config.simulator.speed}x)`
        : '  simulated fleet         off (HPG_SIM_ENABLED=false)',
      'Ctrl+C stops it cleanly.',
      '',
    ].join('\n'),
  );
} catch (err) {
  logger.fatal({ err }, 'could not start');
  logger.flush();
  process.exitCode = 1;
}
