// A stock ZeroMQ subscriber, like the Ruby one in OpenNebula's guide: prints every event on the bus.
// Run: node examples/quickstart/subscriber.mjs [tcp://127.0.0.1:2101]
import { Subscriber } from 'zeromq';

const sub = new Subscriber();
sub.connect(process.argv[2] ?? 'tcp://127.0.0.1:2101');
sub.subscribe('EVENT');
console.log('listening for EVENT… (Ctrl-C to stop)');
for await (const [key, content] of sub) {
  console.log(`KEY: ${key.toString()}`);
  console.log(`CONTENT: ${Buffer.from(content.toString(), 'base64').toString()}`);
}
