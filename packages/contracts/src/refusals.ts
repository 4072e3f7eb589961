/**
 * Stable reason codes for refused input. They are an API: dashboards, alerts and operators key on
 * them, so a code is never renamed or reused; new ones are added at the end.
 */
export const REFUSAL_REASONS = {
  payload_too_large: 'Payload larger than the configured limit',
  invalid_encoding: 'Payload is not valid UTF-8',
  malformed_json: 'Payload is not valid JSON (NaN and Infinity are not JSON either)',
  unknown_topic: 'Topic is not part of the device API',
  unknown_device: 'Device is not in the registry (or is disabled)',
  device_mismatch: 'Topic and payload name different devices',
  not_authorised: 'Publisher may not publish for this device',
  message_not_allowed: "Message kind does not belong to the device's kind",
  auth_failed: 'Wrong or missing device credentials',
  unsupported_version: 'Unknown schema version',
  missing_field: 'A required field is missing',
  invalid_type: 'A field has the wrong type (values are never coerced)',
  invalid_value: 'A field has a value outside its allowed set or format',
  non_finite_number: 'A number is NaN or infinite',
  unknown_metric: 'A metric that the device API does not define',
  invalid_unit: 'A unit not accepted for this metric',
  out_of_range: 'A value outside what is physically possible',
  timestamp_invalid: 'Timestamp cannot be parsed',
  timestamp_in_future: 'Timestamp further in the future than the allowed clock skew',
  timestamp_too_old: 'Timestamp older than the accepted age',
  decode_failed: 'Decoder failed unexpectedly (a bug: the input is kept for analysis)',
  malformed_line: 'A line of a station transfer file is not name TAB value TAB unit TAB time TAB status',
} as const;

export type RefusalReason = keyof typeof REFUSAL_REASONS;
export const REFUSAL_REASON_CODES = Object.keys(REFUSAL_REASONS) as [RefusalReason, ...RefusalReason[]];
