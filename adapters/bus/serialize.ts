/** The bus's payload rule, shared by every transport: a message is a JSON object, nothing else. */
import { BusPayloadError } from './errors.ts';

/** `msg` as JSON text; throws `BusPayloadError` (naming `subject`) when it is not a JSON object. */
export function serializeMessage(subject: string, msg: object): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(msg);
  } catch (cause) {
    throw new BusPayloadError(subject, 'not JSON-serializable', { cause });
  }
  if (json === undefined || !json.startsWith('{')) {
    throw new BusPayloadError(subject, 'a message must serialize to a JSON object');
  }
  return json;
}
