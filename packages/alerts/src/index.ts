// Pure: rules as data, the engine, routing, lifecycle, rendering, signing, pacing.

export { type Channel, ChannelError } from './channels/channel.ts';
export { type EmailChannelOptions, emailChannel } from './channels/email.ts';
export {
  fillTemplate,
  type HttpTemplate,
  type HttpTemplateOptions,
  HttpTemplateSchema,
  smsChannel,
  zaloChannel,
} from './channels/http-template.ts';
export { type TelegramChannelOptions, telegramChannel } from './channels/telegram.ts';
export { type WebhookChannelOptions, webhookBody, webhookChannel } from './channels/webhook.ts';
export * from './clock.ts';
export * from './config-schema.ts';
export * from './delivery-policy.ts';
export * from './dispatcher.ts';
export { AlertEngine, type AlertEngineDeps } from './engine/engine.ts';
export type { LimitResolver } from './engine/evaluator.ts';
export { ratioToLimit, severityForRatio, withinLimit } from './engine/wastewater.ts';
export * from './lifecycle.ts';
export * from './model.ts';
export { Notifier, type NotifierDeps } from './notifier.ts';
export { LANGS, type Lang, NOTICES, type Notice } from './phrases.ts';
export * from './render.ts';
export { addressesOf, contactsUpTo, type Route, routeAlert } from './routing.ts';
export { AlertConfigError, AlertRules, DEFAULT_ROLES } from './rules.ts';
export * from './signing.ts';
// I/O: the alert store and outbox (node:sqlite), the notifier, the dispatcher and the channels.
export * from './store/alert-store.ts';
export * from './store/outbox.ts';
