// An in-memory DynamoDB (dynalite) in a process of its own, so its CPU is neither the
// server's nor the load generator's. Counts the requests it answers by operation; the
// parent asks for them over IPC ('counts', 'reset') and reads the port from the first message.
import dynalite from 'dynalite';

const database = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
let counts = {};
database.on('request', (request) => {
  const target = String(request.headers['x-amz-target'] ?? 'unknown')
    .split('.')
    .pop();
  counts[target] = (counts[target] ?? 0) + 1;
});
database.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: database.address().port });
});
process.on('message', (message) => {
  if (message === 'reset') counts = {};
  if (message === 'counts') process.send?.({ type: 'counts', counts });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
