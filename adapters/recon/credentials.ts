/**
 * Venue credentials as `desk recon` holds them, and the one rule about where test credentials
 * may be used. The ccxt client itself is built by `createCcxtExchange`
 * (adapters/venue/ccxt-venue.ts), the same way the desk builds it.
 */

export interface VenueCredentials {
  readonly apiKey: string;
  readonly secret: string;
  /** Bitget's API passphrase; absent for Binance. */
  readonly password?: string;
}

/** True for a loopback URL (127.0.0.1, localhost, ::1): only there may test credentials be used. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const h = new URL(url).hostname;
    return h === '127.0.0.1' || h === 'localhost' || h === '[::1]' || h === '::1';
  } catch {
    return false;
  }
}
