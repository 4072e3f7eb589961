import { describe, expect, it } from 'vitest';
import { AlertConfigError, AlertRules, addressesOf, routeAlert } from '../src/index.ts';
import { demoRegistry, demoRulesData, miniRegistry, miniRulesData } from './helpers/fixtures.ts';

function problemsOf(input: unknown, registry = miniRegistry()): readonly string[] {
  try {
    AlertRules.from(input, registry);
  } catch (err) {
    if (err instanceof AlertConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('alert rules as data', () => {
  it('validates the demo rules against the demo registry', () => {
    expect(problemsOf(demoRulesData(), demoRegistry())).toEqual([]);
  });

  it('gives every demo threshold its rationale in a note', () => {
    const rules = AlertRules.from(demoRulesData(), demoRegistry());
    for (const l of rules.data.localities) {
      for (const section of [
        l.dumping,
        l.wastewater,
        l.devices?.offline,
        l.devices?.chargerFaulted,
        l.devices?.inverterFault,
      ]) {
        if (section !== undefined) expect(section.note?.length ?? 0).toBeGreaterThan(40);
      }
    }
  });

  it('inherits each section and each role from the nearest ancestor that has it', () => {
    const rules = AlertRules.from(demoRulesData(), demoRegistry());
    // Vĩnh Am: dumping from the city, its own police chain; environment from the city.
    expect(rules.dumping('vinh-am')?.zones).toBeUndefined();
    expect(rules.dumping('tan-minh')?.zones).toEqual({ 'spot-tan-minh-01': ['chan-de'] });
    expect(rules.chain('vinh-am', 'police')?.chain.map((c) => c.id)).toEqual([
      'vinh-am-police-duty',
      'vinh-am-police-chief',
      'hp-police-command',
    ]);
    expect(rules.chain('vinh-am', 'environment')?.chain[0]?.id).toBe('hp-env-duty');
    expect(rules.chain('viet-hoa', 'police')?.chain[0]?.id).toBe('hp-police-command');
    expect(rules.wastewater('bach-dang')?.limits?.['wwtp-bach-dang-kcn-01']?.nh4?.max).toBe(5);
    expect(rules.wastewater('le-chan')?.limits).toBeUndefined();
  });

  it('routes by kind to a role, and by level along the chain', () => {
    const rules = AlertRules.from(demoRulesData(), demoRegistry());
    const dump = { kind: 'dumping' as const, localityId: 'vinh-am' };
    expect(routeAlert(rules, dump, 0)).toMatchObject({
      role: 'police',
      contact: { id: 'vinh-am-police-duty' },
      escalateAfterMs: 15 * 60_000,
    });
    expect(routeAlert(rules, dump, 2)).toMatchObject({ contact: { id: 'hp-police-command' }, escalateAfterMs: null });
    expect(routeAlert(rules, dump, 3)).toBeUndefined();
    const ww = routeAlert(rules, { kind: 'wastewater_exceedance', localityId: 'bach-dang' }, 0);
    expect(ww?.role).toBe('environment');
    expect(ww && addressesOf(ww.contact).map((a) => a.channel)).toEqual(['email', 'telegram']);
    expect(routeAlert(rules, { kind: 'charger_faulted', localityId: 'ngo-quyen' }, 0)?.contact.id).toBe(
      'hp-ops-oncall',
    );
  });

  it('lets the data send a kind to another role', () => {
    const rules = AlertRules.from(
      miniRulesData((d) => {
        d.roles = { inverter_fault: 'environment' };
      }),
      miniRegistry(),
    );
    expect(rules.roleOf('inverter_fault')).toBe('environment');
    expect(rules.roleOf('charger_faulted')).toBe('operator');
  });

  it('reports every problem at once', () => {
    const data = miniRulesData((d) => {
      const city = d.localities[0];
      if (city === undefined) return;
      city.dumping = {
        labels: ['waste'],
        minScore: 0.7,
        dedupeWindowMinutes: 60,
        severity: 'high',
        zones: { 'plant-a': ['x'] },
      };
      if (city.wastewater) {
        city.wastewater.limits = { 'spot-a': { cod: { max: 1, unit: 'mg/L' } } };
        city.wastewater.severityByRatio = [
          { fromRatio: 2, severity: 'high' },
          { fromRatio: 1.5, severity: 'critical' },
        ];
      }
      delete city.contacts?.police;
      d.localities.push({ localityId: 'nowhere' }, { localityId: 'xa-a' }, { localityId: 'xa-a' });
    });
    const problems = problemsOf(data);
    const expected = [
      /dumping\.zones: "plant-a" is not a camera spot/,
      /wastewater\.limits: "spot-a" is not a wastewater plant/,
      /severityByRatio: ratios must increase/,
      /\(nowhere\): locality is not in the registry/,
      /\(xa-a\): locality appears twice/,
      /locality "xa-a": dumping alerts apply but no "police" contacts/,
    ];
    for (const re of expected)
      expect(
        problems.some((p) => re.test(p)),
        `${re}\n${problems.join('\n')}`,
      ).toBe(true);
  });

  it('refuses malformed data with the path of each mistake', () => {
    const problems = problemsOf({
      version: 1,
      localities: [
        {
          localityId: 'xa-a',
          dumping: { labels: [], minScore: 1.5, dedupeWindowMinutes: 0 },
          contacts: {
            police: { escalateAfterMinutes: 15, chain: [{ id: 'p', name: 'P', reach: { sms: { phone: '0912' } } }] },
          },
        },
      ],
    });
    expect(problems.join('\n')).toMatch(/localities\.0\.dumping\.labels/);
    expect(problems.join('\n')).toMatch(/localities\.0\.dumping\.minScore/);
    expect(problems.join('\n')).toMatch(/localities\.0\.dumping\.dedupeWindowMinutes/);
    expect(problems.join('\n')).toMatch(/reach\.sms\.phone/);
  });
});
