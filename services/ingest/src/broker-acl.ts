/**
 * Who may do what on an external broker (Mosquitto, EMQX), derived from the registry and the
 * formats ingest decodes, so the broker enforces what ingest would otherwise only find out:
 *
 * - each enabled device publishes under its own id, `hpg/v1/devices/<id>/+` (any message name:
 *   one of another kind reaches ingest and is refused `message_not_allowed`, visibly), a
 *   wastewater station also its transfer files `hpg/v1/stations/<id or ID>/file` (ingest maps a
 *   station code to the device of that id in lower case);
 * - the login a foreign binding names (`publishedBy`, else the device itself) publishes under that
 *   device's foreign topics: `onvif/<id>/#`, `solar/<serial>/#`, `tele/<topic>/#` and
 *   `stat/<topic>/#`, `sunspec/<id>/#` (each format's configured prefix), and Frigate's whole
 *   prefix, since Frigate puts every camera on `frigate/events` and names the camera in the payload
 *   (so the broker cannot keep one Frigate login from publishing events of another's cameras);
 *   gateways also what they publish beside their devices' data by default (see below);
 * - ingest's login reads (subscribes to) exactly what it subscribes to; nobody else reads anything.
 *
 * Disabled devices get nothing, nor do bindings whose publishing login is not an enabled device.
 * Nothing grants a device a subscription: commands to devices do not exist yet.
 */
import { DEVICE_TOPIC_PREFIX } from '@hpg/contracts';
import { type FormatsConfig, STATION_TOPIC_PREFIX } from '@hpg/decoders';
import { MQTT_SUBSCRIBER_ENV } from '@hpg/mqtt-client';
import type { Device, Registry } from '@hpg/registry';
import { z } from 'zod';
import { INGEST_ENV, IngestConfigSchema } from './config.ts';
import { subscriptionsFor } from './subscriptions.ts';

/** The part of ingest's configuration (HPG_CONFIG file and environment) the grants depend on. */
export const BrokerAclConfigSchema = z.object({
  ingest: IngestConfigSchema.prefault({}),
  mqtt: z
    .object({ username: z.string().min(1).optional(), extraTopics: z.array(z.string().min(1)).default([]) })
    .prefault({}),
});
export type BrokerAclConfig = z.infer<typeof BrokerAclConfigSchema>;

export const BROKER_ACL_ENV = {
  ...INGEST_ENV,
  HPG_MQTT_USERNAME: MQTT_SUBSCRIBER_ENV.HPG_MQTT_USERNAME,
  HPG_MQTT_EXTRA_TOPICS: MQTT_SUBSCRIBER_ENV.HPG_MQTT_EXTRA_TOPICS,
} as const;

export interface BrokerGrant {
  readonly user: string;
  /** Topic filters the user may publish to. */
  readonly publish: readonly string[];
  /** Topic filters the user may subscribe to (and receive from). */
  readonly subscribe: readonly string[];
  /** Who this is, for the generated file (ASCII). */
  readonly comment: string;
  /** The device's name, when it has one (the Mosquitto file shows it). */
  readonly name?: string;
}

export interface BrokerAclOptions {
  readonly formats: FormatsConfig;
  /** Ingest's broker user (`HPG_MQTT_USERNAME`). */
  readonly ingestUser: string;
  /** Ingest's extra topic filters (`HPG_MQTT_EXTRA_TOPICS`). */
  readonly extraTopics?: readonly string[];
  /** A user allowed to read `$SYS/#` (the infra scripts' health check, monitoring). */
  readonly monitorUser?: string;
}

export interface BrokerAcl {
  readonly grants: readonly BrokerGrant[];
  /** Bindings that grant nothing, with why (an operator should look at them). */
  readonly warnings: readonly string[];
}

const USER = /^[A-Za-z0-9._-]{1,64}$/;

/** The grants of every user, ingest's (and the monitor's) first, then the devices by id. */
export function brokerAcl(registry: Registry, o: BrokerAclOptions): BrokerAcl {
  for (const u of [o.ingestUser, o.monitorUser]) {
    if (u !== undefined && !USER.test(u)) throw new Error(`"${u}" is not a usable broker user name`);
  }
  const devices = [...registry.data.devices].sort((a, b) => a.id.localeCompare(b.id));
  const enabled = new Map(devices.filter((d) => d.enabled).map((d) => [d.id, d]));
  for (const u of [o.ingestUser, o.monitorUser]) {
    if (u !== undefined && registry.data.devices.some((d) => d.id === u)) {
      throw new Error(`"${u}" is a device id: a service needs its own broker user`);
    }
  }
  const publish = new Map<string, Set<string>>();
  const grant = (user: string, topic: string) => {
    const set = publish.get(user) ?? new Set<string>();
    set.add(topic);
    publish.set(user, set);
  };
  const warnings: string[] = [];
  const f = o.formats;
  for (const d of enabled.values()) {
    grant(d.id, `${DEVICE_TOPIC_PREFIX}${d.id}/+`);
    if (d.kind === 'wastewater_station') {
      grant(d.id, `${STATION_TOPIC_PREFIX}${d.id}/file`);
      grant(d.id, `${STATION_TOPIC_PREFIX}${d.id.toUpperCase()}/file`);
    }
    for (const [login, topic] of foreignTopics(d, f)) {
      if (enabled.has(login)) grant(login, topic);
      else warnings.push(`device "${d.id}": ${topic} is published by "${login}", which is not an enabled device`);
    }
  }
  const grants: BrokerGrant[] = [
    {
      user: o.ingestUser,
      publish: [],
      subscribe: [...new Set([...subscriptionsFor(f), ...(o.extraTopics ?? [])])],
      comment:
        'ingest: reads what it subscribes to (shared subscriptions are checked on the topic under $share/<group>/)',
    },
  ];
  if (o.monitorUser !== undefined) {
    grants.push({ user: o.monitorUser, publish: [], subscribe: ['$SYS/#'], comment: 'monitoring: broker status' });
  }
  for (const d of enabled.values()) {
    grants.push({
      user: d.id,
      publish: [...(publish.get(d.id) ?? [])],
      subscribe: [],
      comment: d.kind,
      ...(d.name !== undefined && { name: oneLine(d.name) }),
    });
  }
  return { grants, warnings };
}

/**
 * What gateways publish beside their devices' data, by default, and ingest does not read: OpenDTU
 * its own `dtu/`, `ac/`, `dc/` levels, Tasmota its discovery messages (retained, keyed by MAC).
 * They are granted because Mosquitto 2.0 with `max_queued_messages 0` (this project's setting)
 * disconnects a client after any publish its ACL denies: a gateway would otherwise be cut off
 * every time it announced itself. Nobody is granted to read them.
 */
const OPENDTU_GATEWAY_LEVELS = ['dtu', 'ac', 'dc'] as const;
const TASMOTA_DISCOVERY = 'tasmota/discovery/#';

/** [publishing login, topic filter] of each foreign binding of an enabled format. */
function foreignTopics(d: Device, f: FormatsConfig): [string, string][] {
  const e = d.external;
  if (e === undefined) return [];
  const out: [string, string][] = [];
  const by = (b: { publishedBy?: string | undefined }) => b.publishedBy ?? d.id;
  if (e.frigate !== undefined && f.frigate.enabled) out.push([by(e.frigate), `${f.frigate.prefix}/#`]);
  if (e.onvif !== undefined && f.onvif.enabled) out.push([by(e.onvif), `${f.onvif.prefix}/${e.onvif.id}/#`]);
  if (e.opendtu !== undefined && f.opendtu.enabled) {
    out.push([by(e.opendtu), `${f.opendtu.prefix}/${e.opendtu.serial}/#`]);
    // The DTU's own status and totals, which ingest ignores (see below why they are granted).
    for (const own of OPENDTU_GATEWAY_LEVELS) out.push([by(e.opendtu), `${f.opendtu.prefix}/${own}/#`]);
  }
  if (e.tasmota !== undefined && f.tasmota.enabled) {
    out.push([by(e.tasmota), `${f.tasmota.prefix}/${e.tasmota.topic}/#`]);
    out.push([by(e.tasmota), `${f.tasmota.statPrefix}/${e.tasmota.topic}/#`]);
    out.push([by(e.tasmota), TASMOTA_DISCOVERY]);
  }
  if (e.sunspec !== undefined && f.sunspec.enabled) out.push([by(e.sunspec), `${f.sunspec.prefix}/${e.sunspec.id}/#`]);
  return out;
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

/**
 * Mosquitto 2's `acl_file`. Lines before the first `user` would apply to anonymous clients: there
 * are none, so an anonymous client (if `allow_anonymous` were on) and any user not listed can do
 * nothing. Mosquitto 2.0 does not check subscriptions against the file: it grants every SUBSCRIBE
 * and delivers only the messages the subscriber may `read`.
 */
export function mosquittoAclFile(acl: BrokerAcl, source: string): string {
  const out = [
    `# Mosquitto acl_file generated from ${oneLine(source)} by \`pnpm registry:mosquitto-acl\`.`,
    '# Do not edit: regenerate, then reload Mosquitto (SIGHUP). Users not listed have no access.',
  ];
  for (const g of acl.grants) {
    out.push('', `# ${g.comment}${g.name === undefined ? '' : `: ${g.name}`}`, `user ${g.user}`);
    for (const t of g.subscribe) out.push(`topic read ${t}`);
    for (const t of g.publish) out.push(`topic write ${t}`);
  }
  return `${out.join('\n')}\n`;
}

const erlangString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * EMQX's file authorizer (`acl.conf`, Erlang terms), first match wins, ending with `{deny, all}`;
 * set `authorization.no_match = deny` too. EMQX authorizes `$share/<group>/t` as `t`. Topics are
 * matched as filters, so `{eq, …}` is not needed: no grant is a bare `#`.
 */
export function emqxAclFile(acl: BrokerAcl, source: string): string {
  const out = [
    `%% EMQX acl.conf generated from ${oneLine(source)} by \`pnpm registry:mosquitto-acl --emqx-acl\`.`,
    '%% Do not edit: regenerate, then reload it (Dashboard or API). Set authorization.no_match = deny.',
  ];
  for (const g of acl.grants) {
    out.push('', `%% ${g.comment}`);
    const list = (ts: readonly string[]) => `[${ts.map(erlangString).join(', ')}]`;
    if (g.subscribe.length > 0) {
      out.push(`{allow, {username, ${erlangString(g.user)}}, subscribe, ${list(g.subscribe)}}.`);
    }
    if (g.publish.length > 0) out.push(`{allow, {username, ${erlangString(g.user)}}, publish, ${list(g.publish)}}.`);
  }
  out.push('', '%% Everything else.', '{deny, all}.');
  return `${out.join('\n')}\n`;
}
