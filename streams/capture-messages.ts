/**
 * Reads capture files into parsed {@link CaptureMessage}s for {@link replay$}. Kept apart from
 * the replay itself: this is I/O, the replay is timing only.
 */
import { CaptureFormatError, readLineBatches } from '../adapters/capture/index.ts';
import { type CaptureMessage, parseCaptureLine } from '../domain/market/index.ts';

/**
 * All messages of `files`, in file then line order. Blank lines are skipped; a malformed line
 * throws a {@link CaptureFormatError} naming `file:line`; unreadable files throw the reader's
 * `CaptureReadError`.
 */
export async function readCaptureMessages(files: readonly string[]): Promise<CaptureMessage[]> {
  const out: CaptureMessage[] = [];
  for await (const batch of readLineBatches(files)) {
    for (let i = 0; i < batch.lines.length; i++) {
      const text = batch.lines[i] as string;
      if (text.trim() === '') continue;
      const msg = parseCaptureLine(text);
      if (msg.kind === 'error') throw new CaptureFormatError(batch.file, batch.firstLine + i, msg.reason);
      out.push(msg);
    }
  }
  return out;
}
