#!/usr/bin/env node
// An in-memory DynamoDB (dynalite) in its own process, so the benchmark can tell the app's CPU
// from the database's and the load generator's. Listens on 127.0.0.1, writes its port to stdout,
// and stops on SIGTERM or when its parent goes away (stdin closes).
import dynalite from 'dynalite';

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.stdin.on('end', stop).resume();
