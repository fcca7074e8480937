/** The data hash pinned in every report: sha256 over the bytes of the files, in order. */
import { createHash } from 'node:crypto';

/** `sha256:<hex>` of the concatenated bytes of `files`, in the given order. */
export function contentHash(files: readonly Uint8Array[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f);
  return `sha256:${h.digest('hex')}`;
}

/** Plain hex sha256 of one buffer or string (the OHLCV cache's `.sha256` files). */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
