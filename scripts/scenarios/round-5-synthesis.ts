// Round 5, the synthesis: the same B work over gRPC and over REST (HTTP/1.1 + JSON), measured
// side by side. Not pass/fail: a table of what each protocol costs and how its connections spread
// over a ClusterIP Service. The verdicts only check that every figure was measured and accounted.
//
// Why these numbers:
// - Four client deployments, one per row, each scaled to 1, measured for 6 s once it is ready, and
//   scaled back to 0: the rows never overlap, so B's CPU and bytes in a phase belong to that row
//   alone. Measuring from readiness, not from the scale step, keeps a slow container start (seconds
//   on a real cluster) out of the row.
// - Fixed concurrency: MAX_IN_FLIGHT 4 with an offered RATE of 1000 calls/s. A never has more than
//   4 calls in flight and skips the rest of its schedule (skipped calls are counted, never hidden),
//   so throughput is what 4 concurrent callers get: 4 / latency. 4 keeps the load near 300 calls/s
//   on 2 cores.
// - Fixed rate: RATE 200, far below saturation: latency without queueing.
// - WORK_MS 5 and PAYLOAD_SIZE 512: the work is short, so protocol overhead is visible in latency
//   and CPU; the 512-byte reply makes framing overhead a fraction of a realistic body.
// - B x4: enough pods for the spread to mean something (gRPC: one connection, one pod; REST: one
//   connection per concurrent call, spread by kube-proxy).
import type { RoundSpec, Step, TableRowSpec } from './spec.js';

const PHASES = [
  { client: 'service-a', row: 'grpc, fixed concurrency', what: 'gRPC, 4 calls in flight' },
  { client: 'service-a-rest', row: 'rest, fixed concurrency', what: 'REST, 4 calls in flight' },
  { client: 'service-a-grpc-rate', row: 'grpc, fixed rate', what: 'gRPC at 200 calls/s' },
  { client: 'service-a-rest-rate', row: 'rest, fixed rate', what: 'REST at 200 calls/s' },
] as const;

const PHASE_SECONDS = 6;

const timeline: Step[] = PHASES.flatMap((p, i): Step[] => [
  {
    action: 'scale',
    deployment: p.client,
    replicas: 1,
    mark: `phase-${i}-start`,
    title: `Start ${p.what}`,
    narration:
      i === 0
        ? 'First gRPC with four callers: one HTTP/2 connection carries every call, to one pod.'
        : i === 1
          ? 'The same work over HTTP/1.1 + JSON: one call per connection at a time, so four connections, spread by kube-proxy.'
          : `Now ${p.what}: latency without saturation.`,
    kubectl: [`kubectl -n grpc-lab scale deployment/${p.client} --replicas=1`],
  },
  // The phase is measured from the client's readiness, not from the scale step: a container on a
  // real cluster takes seconds to be scheduled and started, a process on loopback a fraction of one.
  {
    action: 'waitForRollout',
    deployment: p.client,
    title: `${p.what}: client ready`,
    narration: 'The client pod is scheduled, started and ready; its load is on.',
    kubectl: [`kubectl -n grpc-lab rollout status deployment/${p.client}`],
  },
  { action: 'wait', seconds: PHASE_SECONDS, mark: `phase-${i}`, title: `Measure ${p.what}`, narration: `Measuring ${p.what}.` },
  {
    action: 'scale',
    deployment: p.client,
    replicas: 0,
    mark: `phase-${i}-end`,
    title: `Stop ${p.what}`,
    narration: 'The client drains its calls in flight and stops.',
    kubectl: [`kubectl -n grpc-lab scale deployment/${p.client} --replicas=0`],
  },
]);

const windows = Object.fromEntries(
  PHASES.map((p, i) => [
    `phase-${i}`,
    { from: { mark: `phase-${i}`, plusS: 1 }, to: { mark: `phase-${i}-end` }, why: `${p.what}, from a second after the client was ready` },
  ]),
);

const table: TableRowSpec[] = PHASES.map((p, i) => ({ name: p.row, window: `phase-${i}`, client: p.client }));

export const round5: RoundSpec = {
  round: 5,
  name: 'synthesis',
  title: 'gRPC or REST: what each costs, measured',
  symptom:
    'After four rounds of gRPC pitfalls someone asks the obvious question: would plain REST have avoided all this, ' +
    'and at what cost? This round answers with measurements, not opinions.',
  topology:
    'One client at a time (gRPC or REST; fixed concurrency, then fixed rate) -> ClusterIP Service -> B x4, the same work ' +
    'behind both protocols.',
  clients: PHASES.map((p) => p.client),
  backend: 'service-b',
  knobs: [
    { deployment: 'service-b', replicas: true, value: 4, why: 'enough pods to see how connections spread' },
    { deployment: 'service-b', env: 'WORK_MS', value: '5', why: 'short work: protocol overhead shows' },
    { deployment: 'service-a', env: 'MAX_IN_FLIGHT', value: '4', why: 'fixed concurrency of 4' },
    { deployment: 'service-a', env: 'RATE', value: '1000', why: 'offered far above what 4 callers complete: they stay busy' },
    { deployment: 'service-a', env: 'PAYLOAD_SIZE', value: '512', why: 'a realistic small reply body' },
    { deployment: 'service-a-rest', env: 'PROTOCOL', value: 'rest', why: 'the REST twin of the same call' },
    { deployment: 'service-a-rest', env: 'MAX_IN_FLIGHT', value: '4', why: 'same concurrency as gRPC' },
    { deployment: 'service-a-grpc-rate', env: 'RATE', value: '200', why: 'fixed rate well below saturation' },
    { deployment: 'service-a-rest-rate', env: 'RATE', value: '200', why: 'same rate over REST' },
  ],
  timeline,
  windows: {
    main: { from: { mark: 'phase-0' }, to: 'end', why: 'all four phases' },
    ...windows,
  },
  table,
  variants: [
    {
      name: 'compare',
      role: 'measure',
      summary: 'Four phases, one protocol and load shape each; a measured table.',
      narration:
        'gRPC multiplexes: fewer connections, less framing per call, and exactly the balancing problems of rounds 1 to 4. ' +
        'REST pays per call in bytes and CPU but its many connections spread over the pods without any help.',
      verdicts: [
        {
          name: 'every figure was measured',
          explanation: 'Each cell of the table holds a measurement from this run: none is missing or estimated.',
          metric: 'unmeasuredFigures',
          op: '==',
          threshold: 0,
        },
      ],
    },
  ],
  takeaway:
    'gRPC is cheaper per call and faster under concurrency, and it needs per-call balancing (round_robin or an L7 proxy), ' +
    'graceful shutdown and connection recycling to behave on Kubernetes. Those are the price of multiplexing.',
};
