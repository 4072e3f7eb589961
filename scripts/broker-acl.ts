/**
 * Broker access files from the registry (README "Device credentials and ACLs"):
 *
 *   pnpm registry:mosquitto-acl --out file [--registry file] [--config file] [--ingest-user name]
 *                               [--monitor-user name] [--emqx-acl file] [--emqx-users file.csv]
 *
 * `--out`: Mosquitto's acl_file; `--emqx-acl`: EMQX's acl.conf; `--emqx-users`: EMQX's
 * built-in-database CSV (bootstrap_file, bootstrap_type = hash) from the devices' broker hashes.
 * The formats, prefixes and extra topics are ingest's, read as ingest reads them: the JSON file
 * of `--config` (else HPG_CONFIG), then the HPG_* environment. Ingest's user: `--ingest-user`,
 * else HPG_MQTT_USERNAME (mqtt.username), else `hpg-ingest`. At least one output is required.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../packages/platform/src/config.ts';
import { emqxUsersCsv, Registry } from '../packages/registry/src/index.ts';
import {
  BROKER_ACL_ENV,
  BrokerAclConfigSchema,
  brokerAcl,
  emqxAclFile,
  mosquittoAclFile,
} from '../services/ingest/src/broker-acl.ts';
import { fail, readText, registryPath, userPath, writeAtomically } from './broker-auth/files.ts';

const USAGE = `usage: pnpm registry:mosquitto-acl --out file [--registry file] [--config file] [--ingest-user name]
                                   [--monitor-user name] [--emqx-acl file] [--emqx-users file.csv]`;

let values: ReturnType<typeof parse>['values'];
function parse() {
  return parseArgs({
    options: {
      out: { type: 'string' },
      registry: { type: 'string' },
      config: { type: 'string' },
      'ingest-user': { type: 'string' },
      'monitor-user': { type: 'string' },
      'emqx-acl': { type: 'string' },
      'emqx-users': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
try {
  values = parse().values;
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`, 2);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (values.out === undefined && values['emqx-acl'] === undefined && values['emqx-users'] === undefined) {
  fail(USAGE, 2);
}

const registryFile = registryPath(values.registry);
const text = readText(registryFile) ?? fail(`no registry file at ${registryFile}`);
let registry: Registry;
try {
  registry = Registry.from(JSON.parse(text));
} catch (err) {
  fail(`${registryFile}: ${(err as Error).message}`);
}
const configFile = values.config ?? process.env.HPG_CONFIG;
let config: ReturnType<typeof BrokerAclConfigSchema.parse>;
try {
  config = loadConfig(BrokerAclConfigSchema, {
    env: process.env,
    bindings: BROKER_ACL_ENV,
    file: configFile === undefined || configFile === '' ? undefined : userPath(configFile),
  });
} catch (err) {
  fail((err as Error).message);
}

let acl: ReturnType<typeof brokerAcl>;
try {
  acl = brokerAcl(registry, {
    formats: config.ingest.formats,
    ingestUser: values['ingest-user'] ?? config.mqtt.username ?? 'hpg-ingest',
    extraTopics: config.mqtt.extraTopics,
    ...(values['monitor-user'] !== undefined && { monitorUser: values['monitor-user'] }),
  });
} catch (err) {
  fail((err as Error).message);
}
for (const w of acl.warnings) process.stderr.write(`warning: ${w}\n`);

const users = acl.grants.length;
if (values.out !== undefined) {
  const out = userPath(values.out);
  writeAtomically(out, mosquittoAclFile(acl, registryFile), 0o644);
  process.stderr.write(`${out}: Mosquitto ACL for ${users} users; reload Mosquitto (SIGHUP) to apply it\n`);
}
if (values['emqx-acl'] !== undefined) {
  const out = userPath(values['emqx-acl']);
  writeAtomically(out, emqxAclFile(acl, registryFile), 0o644);
  process.stderr.write(`${out}: EMQX acl.conf for ${users} users (set authorization.no_match = deny)\n`);
}
if (values['emqx-users'] !== undefined) {
  const out = userPath(values['emqx-users']);
  let csv: ReturnType<typeof emqxUsersCsv>;
  try {
    csv = emqxUsersCsv(registry.data.devices);
  } catch (err) {
    fail((err as Error).message);
  }
  for (const s of csv.skipped.slice(0, 5)) process.stderr.write(`warning: device "${s.deviceId}" left out: ${s.why}\n`);
  if (csv.skipped.length > 5) process.stderr.write(`warning: ${csv.skipped.length - 5} more devices left out\n`);
  writeAtomically(out, csv.csv);
  process.stderr.write(
    `${out}: EMQX users; authenticator: password_hash_algorithm {name = pbkdf2, mac_fun = sha512, iterations = ${csv.iterations ?? '(any)'}}, bootstrap_type = hash. Service users (ingest) are created in EMQX itself.\n`,
  );
}
