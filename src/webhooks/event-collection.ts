import type { Collection, Document } from 'mongodb';
import type { StripeMirror } from '../models/mirror.js';

/** A stored event: `_id` is the event id, the rest is the event plus bookkeeping. */
export interface EventDocument extends Document {
  _id: string;
}

/** The driver collection behind `mirror.Event`: writes bypass mongoose casting so the event stays byte-faithful. */
export function events(mirror: StripeMirror): Collection<EventDocument> {
  return mirror.connection.collection<EventDocument>(mirror.Event.collection.collectionName);
}
