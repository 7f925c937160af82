// Round 2, the probe: what exactly happens to calls when a pod shuts down, one shutdown mode at a
// time. Capacity is ample and calls are long, so every error is the rollout's doing.
//
// Why these numbers:
// - WORK_MS 300 (exponential, capped by B at 5x = 1.5 s): at 60 calls/s A holds about 18 calls in
//   flight, so every pod that stops has several calls in flight to kill, or to let finish.
// - DEADLINE_MS 4000: longer than the longest call (1.5 s) with room for a reconnect, so a slow
//   call is never mistaken for a shutdown error.
// - B x4, CAPACITY 0: no shedding at all; maxSurge 1 / maxUnavailable 1 replace them in a few steps.
// - A CHANNELS 12: twelve connections spread over the four pods. When a pod stops, its ~3
//   connections reconnect at once through kube-proxy's rules, which still list the stopping pod
//   for their propagation delay (1.3 s median on a real node): with ~12 reconnections per
//   rollout, at least one lands on a closed listener on every run (the graceful variant's refused
//   connections).
// - 4 s of load before the restart (a 2 s clean baseline at ~18 calls in flight). After the rollout,
//   3 s is enough where old pods exit at SIGTERM or within one call (1.5 s at most); `fixed` waits
//   8 s, its preStop sleep (5 s) plus the longest call plus a second, so its last old pod has exited
//   inside the window and a failure at that exit would be counted.
import type { RoundSpec, Step } from './spec.js';

/** The round's timeline, with `finishS` seconds after the rollout for the old pods to exit. */
function timeline(finishS: number): Step[] {
  return [
    {
      action: 'wait',
      seconds: 4,
      mark: 'steady',
      title: 'Steady load',
      narration: 'A keeps about 18 calls in flight, each lasting around 300 ms, spread over twelve connections to four B pods.',
      kubectl: ['kubectl -n grpc-lab get pods -l app=service-b -o wide'],
    },
    {
      action: 'rolloutRestart',
      deployment: 'service-b',
      mark: 'rollout',
      title: 'Rolling restart of B',
      narration:
        'Each old pod is deleted: it leaves the endpoints (kube-proxy sees it a second later) and the kubelet runs ' +
        'preStop, if any, then sends SIGTERM. What B does with SIGTERM decides the fate of its calls in flight.',
      kubectl: [
        'kubectl -n grpc-lab rollout restart deployment/service-b',
        'kubectl -n grpc-lab get endpointslices -l kubernetes.io/service-name=service-b -w',
      ],
    },
    {
      action: 'waitForRollout',
      deployment: 'service-b',
      title: 'Rollout completes',
      narration: 'All new pods are ready; old ones may still be draining.',
      kubectl: ['kubectl -n grpc-lab rollout status deployment/service-b'],
    },
    {
      action: 'wait',
      seconds: finishS,
      title: 'Old pods finish',
      narration: 'Old pods finish their preStop sleep and their drain, then exit. Count what each mode cost.',
      kubectl: ['kubectl -n grpc-lab get events --field-selector reason=Killing'],
    },
  ];
}

export const round2: RoundSpec = {
  round: 2,
  name: 'probe',
  title: 'What SIGTERM does to calls in flight',
  symptom:
    'A rollout of B with plenty of capacity still produces errors in A: some UNAVAILABLE ' +
    '"Connection dropped", some CANCELLED, some UNAVAILABLE "No connection established". ' +
    'Each shutdown tweak moves the errors around instead of removing them.',
  topology: 'A x1 with 12 pick_first channels -> ClusterIP Service -> B x4, unlimited capacity, 300 ms calls.',
  clients: ['service-a'],
  backend: 'service-b',
  knobs: [
    { deployment: 'service-b', replicas: true, value: 4, why: 'a few pods: each stop affects a quarter of the connections' },
    { deployment: 'service-b', env: 'WORK_MS', value: '300', why: 'long calls: ~18 in flight at any moment, so each stop has some to kill' },
    { deployment: 'service-a', env: 'RATE', value: '60', why: '60 x 0.3 s = 18 calls in flight; light on CPU' },
    { deployment: 'service-a', env: 'CHANNELS', value: '12', why: 'many reconnections per rollout, so a stale route is hit on every run' },
    { deployment: 'service-a', env: 'DEADLINE_MS', value: '4000', why: 'above the longest call (1.5 s): only shutdowns cause errors' },
  ],
  timeline: timeline(3),
  windows: {
    main: { from: { mark: 'steady', plusS: 1 }, to: 'end', why: 'everything after a second of warm-up' },
    // Ends a second early: a per-second bucket that straddles the restart must not count as before it.
    steady: { from: { mark: 'steady', plusS: 1 }, to: { mark: 'rollout', plusS: -1 }, why: 'before the restart: must be clean' },
    rollout: { from: { mark: 'rollout' }, to: 'end', why: 'from the restart until the old pods are gone' },
  },
  variants: [
    {
      name: 'no-handler',
      role: 'broken',
      summary: 'B has no SIGTERM handler: Node exits at once.',
      narration: 'The process vanishes with calls on the wire: each one ends UNAVAILABLE "Connection dropped".',
      verdicts: [
        {
          name: 'connections dropped',
          explanation: 'Calls in flight on a pod that exits are cut: UNAVAILABLE "Connection dropped".',
          metric: 'dropped',
          window: 'rollout',
          op: '>=',
          threshold: 1,
        },
        {
          name: 'clean before the restart',
          explanation: 'No error before the rollout: capacity is ample, every error is the shutdown\'s.',
          metric: 'errors',
          window: 'steady',
          op: '==',
          threshold: 0,
        },
      ],
    },
    {
      name: 'stop',
      role: 'weak',
      summary: 'B handles SIGTERM with server.forceShutdown() (gRPC Stop).',
      narration: 'A clean close, but a brutal one: every call in flight is cancelled. The errors change name, not number.',
      knobs: [{ deployment: 'service-b', env: 'SHUTDOWN_MODE', value: 'stop', why: 'the force-stop component' }],
      verdicts: [
        {
          name: 'in-flight calls cancelled',
          explanation: 'forceShutdown ends every call in flight with CANCELLED.',
          metric: 'cancelled',
          window: 'rollout',
          op: '>=',
          threshold: 1,
        },
      ],
    },
    {
      name: 'graceful',
      role: 'weak',
      summary: 'B handles SIGTERM with tryShutdown() (GracefulStop) and a drain deadline; no preStop.',
      narration:
        'Calls in flight now finish. But the listener closes at SIGTERM, while kube-proxy still routes new connections to ' +
        'the pod for about a second: reconnecting channels are refused.',
      knobs: [{ deployment: 'service-b', env: 'SHUTDOWN_MODE', value: 'graceful', why: 'the graceful-shutdown component' }],
      verdicts: [
        {
          name: 'no in-flight call killed',
          explanation: 'GracefulStop lets every call in flight finish: none dropped, none cancelled.',
          metric: 'killedInFlight',
          op: '==',
          threshold: 0,
        },
        {
          name: 'new connections refused',
          explanation: 'During endpoint propagation new connections still reach the closed listener and are refused.',
          metric: 'refused',
          window: 'rollout',
          op: '>=',
          threshold: 1,
        },
      ],
    },
    {
      name: 'fixed',
      role: 'fixed',
      summary: 'Health NOT_SERVING, a preStop sleep (5 s) longer than propagation, tryShutdown, then forceShutdown at the drain deadline.',
      timeline: timeline(8),
      narration:
        'The pod keeps listening through the preStop sleep while the endpoint removal propagates; only when nothing routes ' +
        'to it any more does it drain. Zero errors.',
      knobs: [
        { deployment: 'service-b', env: 'SHUTDOWN_MODE', value: 'graceful', why: 'graceful-shutdown component' },
        { deployment: 'service-b', env: 'DRAIN_TIMEOUT_MS', value: '10000', why: 'far above the longest call (1.5 s)' },
      ],
      verdicts: [
        {
          name: '0 errors',
          explanation: 'Every call ends OK through the whole rollout.',
          metric: 'errors',
          op: '==',
          threshold: 0,
        },
      ],
    },
  ],
  takeaway:
    'A safe shutdown needs all three: stay in endpoints-removal limbo without refusing (preStop sleep), then stop taking ' +
    'new work (NOT_SERVING, GOAWAY), then let calls in flight finish (GracefulStop) before a deadline.',
};
