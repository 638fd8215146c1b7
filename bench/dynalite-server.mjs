#!/usr/bin/env node
// An in-memory DynamoDB (dynalite) in its own process, so the benchmark can tell the app's CPU
// from the database's and the load generator's. Listens on 127.0.0.1, writes its port to stdout,
// and stops on SIGTERM or when its parent goes away (stdin closes). Started with an IPC channel,
// it also counts the requests it answers by operation: send 'counts' (answered with
// { type: 'counts', counts }) or 'reset'.
import dynalite from 'dynalite';

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
let counts = {};
if (process.send) {
  server.on('request', (request) => {
    const target = String(request.headers['x-amz-target'] ?? 'unknown')
      .split('.')
      .pop();
    counts[target] = (counts[target] ?? 0) + 1;
  });
  process.on('message', (message) => {
    if (message === 'reset') counts = {};
    if (message === 'counts') process.send?.({ type: 'counts', counts });
  });
}
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.stdin.on('end', stop).resume();
