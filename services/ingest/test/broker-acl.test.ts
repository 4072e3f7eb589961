import { FormatsConfigSchema } from '@hpg/decoders';
import { Registry } from '@hpg/registry';
import { describe, expect, it } from 'vitest';
import { type BrokerAcl, brokerAcl, emqxAclFile, mosquittoAclFile } from '../src/index.ts';
import { brokerAclRegistryData } from './broker-acl-fixture.ts';

const registry = Registry.from(brokerAclRegistryData());
const all = FormatsConfigSchema.parse({});
const grantsOf = (acl: BrokerAcl) => new Map(acl.grants.map((g) => [g.user, g]));

describe('brokerAcl', () => {
  it('lets each device publish under its own id and its foreign topics, and only ingest read', () => {
    const acl = brokerAcl(registry, { formats: all, ingestUser: 'hpg-ingest', monitorUser: 'hpg-health' });
    const g = grantsOf(acl);
    expect(acl.grants.map((x) => x.user)).toEqual([
      'hpg-ingest',
      'hpg-health',
      'cam-1',
      'cam-2',
      'mt-1',
      'mt-2',
      'pv-1',
      'pv-2',
      'ww-1',
    ]);
    expect(g.get('hpg-ingest')).toMatchObject({
      publish: [],
      subscribe: [
        'hpg/v1/devices/+/+',
        'hpg/v1/stations/+/file',
        'frigate/#',
        'onvif/#',
        'solar/#',
        'tele/#',
        'stat/#',
        'sunspec/#',
      ],
    });
    expect(g.get('hpg-health')).toMatchObject({ publish: [], subscribe: ['$SYS/#'] });
    for (const d of ['cam-1', 'cam-2', 'mt-1', 'mt-2', 'pv-1', 'pv-2', 'ww-1']) {
      expect(g.get(d)?.subscribe).toEqual([]);
      expect(g.get(d)?.publish).toContain(`hpg/v1/devices/${d}/+`);
    }
    expect(g.get('ww-1')?.publish).toEqual([
      'hpg/v1/devices/ww-1/+',
      'hpg/v1/stations/ww-1/file',
      'hpg/v1/stations/WW-1/file',
    ]);
    // A gateway publishes for the devices whose binding names it; the devices themselves do not.
    expect(g.get('pv-1')?.publish).toEqual([
      'hpg/v1/devices/pv-1/+',
      'sunspec/roof-1/#',
      'solar/114190641177/#',
      'solar/dtu/#',
      'solar/ac/#',
      'solar/dc/#',
    ]);
    expect(g.get('pv-2')?.publish).toEqual(['hpg/v1/devices/pv-2/+']);
    expect(g.get('mt-1')?.publish).toEqual([
      'hpg/v1/devices/mt-1/+',
      'tele/shelly25/#',
      'stat/shelly25/#',
      'tasmota/discovery/#',
    ]);
    // Frigate names the camera in the payload of frigate/events: its login gets the whole prefix.
    expect(g.get('cam-1')?.publish).toEqual(['hpg/v1/devices/cam-1/+', 'frigate/#']);
    expect(g.get('cam-2')?.publish).toEqual(['hpg/v1/devices/cam-2/+', 'onvif/gate"2/#']);
    // Disabled devices get nothing, nor does what they would publish for others.
    expect(g.has('off-1')).toBe(false);
    expect(g.get('mt-2')?.publish).toEqual(['hpg/v1/devices/mt-2/+']);
    expect(acl.warnings).toEqual([
      'device "mt-2": tele/plug2/# is published by "off-1", which is not an enabled device',
      'device "mt-2": stat/plug2/# is published by "off-1", which is not an enabled device',
      'device "mt-2": tasmota/discovery/# is published by "off-1", which is not an enabled device',
    ]);
  });

  it("follows ingest's formats: prefixes, disabled formats, extra topics", () => {
    const formats = FormatsConfigSchema.parse({
      frigate: { prefix: 'nvr/site1' },
      opendtu: { enabled: false },
      tasmota: { prefix: 'tasmota/tele', statPrefix: 'tasmota/stat' },
    });
    const g = grantsOf(brokerAcl(registry, { formats, ingestUser: 'ingest', extraTopics: ['site/extra/#'] }));
    expect(g.get('ingest')?.subscribe).toEqual([
      'hpg/v1/devices/+/+',
      'hpg/v1/stations/+/file',
      'nvr/site1/#',
      'onvif/#',
      'tasmota/tele/#',
      'tasmota/stat/#',
      'sunspec/#',
      'site/extra/#',
    ]);
    expect(g.get('pv-1')?.publish).toEqual(['hpg/v1/devices/pv-1/+', 'sunspec/roof-1/#']);
    expect(g.get('cam-1')?.publish).toEqual(['hpg/v1/devices/cam-1/+', 'nvr/site1/#']);
    expect(g.get('mt-1')?.publish).toEqual([
      'hpg/v1/devices/mt-1/+',
      'tasmota/tele/shelly25/#',
      'tasmota/stat/shelly25/#',
      'tasmota/discovery/#',
    ]);
  });

  it('refuses service users that are device ids or not plain names', () => {
    expect(() => brokerAcl(registry, { formats: all, ingestUser: 'pv-1' })).toThrow(/device id/);
    expect(() => brokerAcl(registry, { formats: all, ingestUser: 'a b' })).toThrow(/not a usable/);
    expect(() => brokerAcl(registry, { formats: all, ingestUser: 'ingest', monitorUser: 'x:y' })).toThrow();
  });
});

describe('broker ACL files', () => {
  const acl = brokerAcl(registry, { formats: all, ingestUser: 'hpg-ingest' });

  it("Mosquitto: nothing for anonymous clients, then each user's read and write lines", () => {
    const text = mosquittoAclFile(acl, 'reg.json');
    const lines = text.split('\n');
    const firstRule = lines.findIndex((l) => !l.startsWith('#') && l !== '');
    expect(lines[firstRule]).toBe('user hpg-ingest');
    for (const l of lines) expect(l).toMatch(/^(#.*|user [a-z0-9._-]+|topic (read|write) [^\s]+|)$/);
    const block = (user: string) => {
      const at = lines.indexOf(`user ${user}`);
      const end = lines.indexOf('', at);
      return lines.slice(at + 1, end === -1 ? undefined : end);
    };
    expect(block('ww-1')).toEqual([
      'topic write hpg/v1/devices/ww-1/+',
      'topic write hpg/v1/stations/ww-1/file',
      'topic write hpg/v1/stations/WW-1/file',
    ]);
    expect(block('hpg-ingest')).toContain('topic read hpg/v1/devices/+/+');
    expect(text).toContain('# wastewater_station: Trạm quan trắc số 1\nuser ww-1\n');
    expect(text).not.toMatch(/^pattern /m);
  });

  it('EMQX: one allow term per user and action, strings escaped, everything else denied', () => {
    const text = emqxAclFile(acl, 'reg.json');
    const terms = text.split('\n').filter((l) => l !== '' && !l.startsWith('%%'));
    for (const t of terms.slice(0, -1)) {
      expect(t).toMatch(
        /^\{allow, \{username, "[a-z0-9._-]+"\}, (publish|subscribe), \[("([^"\\]|\\.)*"(, )?)+\]\}\.$/,
      );
    }
    expect(terms.at(-1)).toBe('{deny, all}.');
    expect(terms).toContain(
      '{allow, {username, "ww-1"}, publish, ["hpg/v1/devices/ww-1/+", "hpg/v1/stations/ww-1/file", "hpg/v1/stations/WW-1/file"]}.',
    );
    expect(terms).toContain('{allow, {username, "cam-2"}, publish, ["hpg/v1/devices/cam-2/+", "onvif/gate\\"2/#"]}.');
    expect(terms[0]).toMatch(/^\{allow, \{username, "hpg-ingest"\}, subscribe, \["hpg\/v1\/devices\/\+\/\+", /);
    // Comments are plain ASCII (Erlang's term reader), names stay out.
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
  });
});
