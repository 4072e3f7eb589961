/** The broker alone: Aedes accepting any login and forwarding nothing. The load generator's ceiling. */
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const port = Number(process.argv[2] ?? 1885);
const broker = await Aedes.createBroker();
const server = createServer(broker.handle);
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  broker.close(() => process.exit(0));
});
