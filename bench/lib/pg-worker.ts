// Worker process of the `pg-workers` bench suite: one createWorker on the given Postgres schema,
// executing the queued 10-step chain runs. Prints `ready` once connected, starts on `go` (stdin),
// and on `stop` prints `cpu <µs>` (its own process.cpuUsage: user + system) and exits.
//   node bench/lib/pg-worker.ts <url> <schema> <on|off> <concurrency>
import { createEngine, createStore, createWorker } from '@weft/workflow';
import { pgChain } from './pg-chain.ts';

const [url, schema, sync, concurrency] = process.argv.slice(2) as [string, string, 'on' | 'off', string];
const store = createStore({ url, schema, synchronousCommit: sync });
await store.init();
const quiet = () => undefined;
const engine = createEngine({
  store,
  workflows: [pgChain()],
  logger: { debug: quiet, info: quiet, warn: quiet, error: (m, d) => console.error(m, d) },
});
const worker = createWorker({ engine, concurrency: Number(concurrency), pollMs: 5 });
let cpu0 = process.cpuUsage();
process.stdout.write('ready\n');
let buf = '';
process.stdin.on('data', (d: Buffer) => {
  buf += d.toString();
  if (buf.includes('go\n')) {
    buf = buf.replace('go\n', '');
    cpu0 = process.cpuUsage();
    worker.start();
  }
  if (buf.includes('stop\n')) {
    const cpu = process.cpuUsage(cpu0);
    void worker.close().then(async () => {
      process.stdout.write(`cpu ${cpu.user + cpu.system}\n`);
      await engine.close();
      await store.close();
      process.exit(0);
    });
  }
});
