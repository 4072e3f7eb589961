/**
 * The alert engine: a pure state machine over the rules. Fed the bus's detections and readings
 * (the contract types) and time ticks, it returns the alert events they cause. No I/O and no
 * clock of its own: the caller says what time it is, so a test (or a replay) runs an hour in a
 * loop and gets the same events every time.
 *
 * Ids are deterministic, so after a restart the service may rebuild the state by replaying a
 * window of recent records: the events it gets again carry ids the store already has.
 */
import type { Detection, Reading } from '@hpg/contracts';
import type { AlertEvent, AlertSnapshot } from '../model.ts';
import type { AlertRules } from '../rules.ts';
import { chargerFaulted, inverterFault, OfflineEvaluator, StateEvaluator } from './devices.ts';
import { DumpingEvaluator } from './dumping.ts';
import type { Evaluator, LimitResolver } from './evaluator.ts';
import { WastewaterEvaluator } from './wastewater.ts';

export interface AlertEngineDeps {
  readonly rules: AlertRules;
  /** The standard's limit of a plant's parameter; without it only the rules' own `limits` apply. */
  readonly limitOf?: LimitResolver;
  /** When the engine starts watching: silence and offline count from here for devices not heard from yet. */
  readonly startAt: number;
  /** A rule that throws is isolated: its error is reported here and the other rules carry on. */
  readonly onRuleError?: (rule: string, error: unknown) => void;
}

export class AlertEngine {
  readonly #evaluators: readonly Evaluator[];
  readonly #onRuleError: (rule: string, error: unknown) => void;

  constructor(deps: AlertEngineDeps) {
    this.#evaluators = [
      new DumpingEvaluator(deps.rules),
      new WastewaterEvaluator(deps.rules, deps.limitOf, deps.startAt),
      new OfflineEvaluator(deps.rules, deps.startAt),
      new StateEvaluator(deps.rules, chargerFaulted),
      new StateEvaluator(deps.rules, inverterFault),
    ];
    this.#onRuleError = deps.onRuleError ?? (() => {});
  }

  detection(d: Detection): AlertEvent[] {
    return this.#each((e, out) => e.detection?.(d, out));
  }

  reading(r: Reading): AlertEvent[] {
    return this.#each((e, out) => e.reading?.(r, out));
  }

  /** Advances time: opens what has lasted long enough, closes what went quiet. */
  tick(now: number): AlertEvent[] {
    return this.#each((e, out) => e.tick(now, out));
  }

  /** Alerts whose condition holds now. */
  open(): AlertSnapshot[] {
    return this.#evaluators.flatMap((e) => e.open());
  }

  #each(step: (e: Evaluator, out: AlertEvent[]) => void): AlertEvent[] {
    const all: AlertEvent[] = [];
    for (const e of this.#evaluators) {
      const out: AlertEvent[] = [];
      try {
        step(e, out);
        all.push(...out);
      } catch (error) {
        // Events the rule produced before throwing are kept: each describes a state it already entered.
        all.push(...out);
        this.#onRuleError(e.name, error);
      }
    }
    return all;
  }
}
