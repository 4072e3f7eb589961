/**
 * Routing: who hears of an alert, and when the next one does. Pure.
 *
 * The alert's kind gives a role (rules `roles`, default DEFAULT_ROLES); the locality gives that
 * role's chain (its own, else the nearest ancestor's). Level 0 is the first contact, told when the
 * alert opens; each `escalateAfterMinutes` without acknowledgement tells the next one. Contacts
 * already told stay in the loop (they get updates and the all-clear); after the last contact the
 * alert waits in the inbox and escalation stops.
 */
import type { Contact } from './config-schema.ts';
import type { Address, AlertKind, Role } from './model.ts';
import type { AlertRules } from './rules.ts';

export interface Route {
  readonly role: Role;
  readonly level: number;
  readonly contact: Contact;
  /** When to tell the next contact if nobody acknowledged; null at the end of the chain. */
  readonly escalateAfterMs: number | null;
}

export function routeAlert(
  rules: AlertRules,
  alert: { readonly kind: AlertKind; readonly localityId: string },
  level: number,
): Route | undefined {
  const role = rules.roleOf(alert.kind);
  const chain = rules.chain(alert.localityId, role);
  const contact = chain?.chain[level];
  if (chain === undefined || contact === undefined) return undefined;
  const last = level >= chain.chain.length - 1;
  return { role, level, contact, escalateAfterMs: last ? null : chain.escalateAfterMinutes * 60_000 };
}

/** The contacts told up to and including `level` (for updates and the all-clear). */
export function contactsUpTo(
  rules: AlertRules,
  alert: { readonly kind: AlertKind; readonly localityId: string },
  level: number,
): Contact[] {
  const chain = rules.chain(alert.localityId, rules.roleOf(alert.kind));
  return chain === undefined ? [] : chain.chain.slice(0, Math.max(0, level) + 1);
}

/** Every address of a contact, one per channel, in a fixed order. */
export function addressesOf(contact: Contact): Address[] {
  const r = contact.reach;
  const out: Address[] = [];
  if (r.webhook !== undefined) out.push({ channel: 'webhook', url: r.webhook.url, secretRef: r.webhook.secretRef });
  if (r.email !== undefined) out.push({ channel: 'email', email: r.email });
  if (r.telegram !== undefined) out.push({ channel: 'telegram', chatId: r.telegram.chatId });
  if (r.sms !== undefined) out.push({ channel: 'sms', phone: r.sms.phone });
  if (r.zalo !== undefined) out.push({ channel: 'zalo', userId: r.zalo.userId });
  return out;
}
