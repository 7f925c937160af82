// Child process of local-network-grpc.test.ts: a grpc-js client that resolves through the lab's
// cluster DNS. grpc-js reads GRPC_NODE_USE_ALTERNATIVE_RESOLVER once, when it is first imported,
// so the variable must be in this process's environment from the start.
// Usage: node test/local-network-dns-client.mjs TARGET CALLS   (TARGET: dns://IP:PORT/NAME:PORT)
// Prints {"pods":{"b-0":N,...},"errors":["..."]} on stdout.
import * as grpc from '@grpc/grpc-js';
import { loadLabProto } from '../dist/services/shared/proto.js';

const [target, calls] = process.argv.slice(2);
const { BackendClient } = loadLabProto();
const client = new BackendClient(target, grpc.credentials.createInsecure(), {
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
});

const pods = {};
const errors = [];
for (let i = 0; i < Number(calls); i++) {
  await new Promise((resolve) => {
    const deadline = Date.now() + 5000;
    client.Work({ callId: `c${i}`, payloadSize: 0 }, new grpc.Metadata(), { deadline }, (err, reply) => {
      if (err) errors.push(`${grpc.status[err.code]} ${err.details}`);
      else pods[reply.podName] = (pods[reply.podName] ?? 0) + 1;
      resolve();
    });
  });
}
client.close();
process.stdout.write(`${JSON.stringify({ pods, errors })}\n`);
