// Starts dynalite (a DynamoDB-compatible server, in memory) on 127.0.0.1 only:
// its CLI listens on every interface. Prints "listening <port>" once ready.
// Lifetime is bounded: it exits when its stdin closes (the test process went
// away) or after DYNALITE_MAX_LIFETIME_MS (default 10 minutes).
'use strict';
const path = require('path');
const dynalite = require(path.join(__dirname, '..', 'node_modules', 'dynalite'));

const port = Number(process.argv[2] || 0);
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
setTimeout(() => process.exit(0), Number(process.env.DYNALITE_MAX_LIFETIME_MS || 600000));
