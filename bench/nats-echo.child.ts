/**
 * A trivial NATS echo responder for the NATS benchmarks' request-reply floor, run as its own
 * process (`node --import tsx bench/nats-echo.child.ts <subject>`): answers every request on
 * `<subject>` with the request's bytes, prints `ready` once the subscription is registered on
 * the server, and exits on SIGTERM/SIGINT.
 */
import { connectNats } from '../adapters/nats/connect.ts';

const subject = process.argv[2];
if (subject === undefined || subject === '') {
  process.stderr.write('usage: nats-echo.child.ts <subject>\n');
  process.exit(2);
}
const nc = await connectNats({ name: 'desk-bench-echo' });
nc.subscribe(subject, { callback: (err, m) => void (err ? undefined : m.respond(m.data)) });
await nc.flush();
process.stdout.write('ready\n');
const stop = (): void => void nc.drain().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
