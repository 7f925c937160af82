// The per-call path over gRPC. It runs thousands of times a second, so it allocates only what a
// call needs (request, options, callback) and spreads calls over the channels in turn.
import * as grpc from '@grpc/grpc-js';
import type { AConfig } from './config.js';
import { createChannels } from './channels.js';
import { elapsedUs, type Caller, type Complete } from './caller.js';
import { classify } from './outcome.js';

export function grpcCaller(cfg: AConfig, complete: Complete): Caller {
  const clients = createChannels(cfg);
  // grpc-js clones the metadata of every call, so one empty instance serves them all.
  const metadata = new grpc.Metadata();
  const { deadlineMs, payloadSize } = cfg;
  const idPrefix = `${cfg.podName}-`;
  let turn = 0;
  let seq = 0;
  return {
    target: cfg.target,
    call() {
      const client = clients[turn];
      turn = turn + 1 === clients.length ? 0 : turn + 1;
      const start = performance.now();
      client.Work({ callId: idPrefix + ++seq, payloadSize }, metadata, { deadline: Date.now() + deadlineMs }, (err, reply) => {
        const us = elapsedUs(start);
        if (err) {
          // grpc.status is a numeric enum: indexing it by code gives the status name.
          const code = grpc.status[err.code] ?? 'UNKNOWN';
          complete(code, classify(code, err.details ?? ''), null, us);
        } else {
          complete('OK', null, reply!.podName, us);
        }
      });
    },
    close() {
      for (const client of clients) client.close();
    },
  };
}
