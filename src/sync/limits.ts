/**
 * Nesting of plain JSON (not of documents) beyond which a payload is refused rather than walked (cycles included).
 * Real Stripe payloads stay under 15 levels; MongoDB stores up to 100 (the embedded server as many). The webhook
 * pipeline refuses deeper events with 400 before storing anything (`MAX_EVENT_DEPTH` there derives from this), so
 * an event is never logged and then refused by the write path on every retry.
 */
export const MAX_JSON_NESTING = 64;
