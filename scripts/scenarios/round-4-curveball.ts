// Round 4, the curveball: round 3's fix (headless + round_robin) has a blind spot. The client
// resolves DNS only when a connection breaks, so pods added by a scale-up get nothing.
//
// Why these numbers:
// - B x10 -> 20, CAPACITY 0: no shedding, so nothing breaks a connection by accident and the only
//   thing measured is who gets traffic.
// - DEADLINE_MS 10000: while ten B processes start, calls of the pods already running wait for
//   CPU: with the base's 2 s deadline, max-connection-age lost 48 to 634 calls per run locally and
//   1,313 to 1,872 on the lab's node (latency p99 3.5 to 6 s), errors of the machine, not of GOAWAY.
//   The wait still shows in the latency figures.
// - RATE 100, WORK_MS 20: 10 calls/s per pod before the scale, 5 after. At 200 calls/s on the lab's
//   node, A and B serving took more than one of its two cores, and ten B processes starting
//   on top (about 0.5 CPU-s each) left A behind its schedule by seconds: calls it sent into
//   connections whose GOAWAY it had not read yet were refused, retries included. At 100 the same
//   scale-up costs A's schedule 0.1-0.3 s at p99.
// - 10 s after the scale: several times the time a new pod needs to become ready and appear in
//   DNS (~1-4 s locally, DNS itself follows within milliseconds), so "no traffic" is not "not
//   ready yet", and more than max-connection-age's 9 s bound.
// - A cluster whose CoreDNS caches Service names (kubeadm's `cache 30` up to Kubernetes 1.31; the
//   platform reads it from the Corefile) may hand a client that resolves again the old list for the
//   platform's dnsCacheSeconds: the waits after the scale-up
//   and the first-call threshold grow by that much. Pods that start slower than the local
//   platform's (its podStartSeconds trait: 3 s locally, 20 s on the lab's 2-core node, where ten
//   containers were Ready 14 to 16.5 s after the scale) add the difference: a pod not yet Ready is
//   not in DNS, and "no traffic" must not mean "not started yet". The local numbers are the base.
// - max-connection-age: MAX_CONNECTION_AGE_MS 5000 (+-10% jitter) on B; A re-resolves at most once
//   a second (DNS_MIN_TIME_BETWEEN_RESOLUTIONS_MS 1000, grpc-js' default is 30 s, which would hide
//   the new pods for up to half a minute). A new pod should get its first call within one age
//   (5.5 s) after it is in DNS (Ready within ~2 s locally); the threshold of 9 s adds 1.5 s for
//   the 1 s resolution of the per-second counts.
import type { TraitValue } from '../model/traits.js';
import type { RoundSpec, Step } from './spec.js';

const steady: Step = {
  action: 'wait',
  seconds: 5,
  mark: 'steady',
  title: 'Balanced load',
  narration: 'Round 3\'s fix at work: headless Service, round_robin, ten pods sharing the load evenly.',
  kubectl: ['kubectl -n grpc-lab get endpointslices -l kubernetes.io/service-name=service-b'],
};

const scale: Step = {
  action: 'scale',
  deployment: 'service-b',
  replicas: 20,
  mark: 'scale',
  title: 'Scale B to 20',
  narration:
    'Traffic doubles tomorrow, so we scale out. Ten new pods start, pass readiness and appear in DNS. Watch their share.',
  kubectl: ['kubectl -n grpc-lab scale deployment/service-b --replicas=20', 'kubectl -n grpc-lab get pods -l app=service-b -w'],
};

/** Pods start this fast on the local platform, where the base numbers were measured. */
const LOCAL_POD_START_S = 3;

/**
 * `base` seconds where new pods are Ready within LOCAL_POD_START_S and DNS answers are fresh; on a
 * platform whose pods start slower, the difference on top, and where cluster DNS answers from its
 * cache, the cache's lifetime on top too (plus `cacheMarginS`).
 */
function afterNewPods(base: number, cacheMarginS: number): TraitValue {
  return {
    why: 'new pods must be Ready and in DNS first: slower pod start-up, and a DNS cache, delay both',
    of: (t) => base + Math.max(0, t.podStartSeconds - LOCAL_POD_START_S) + (t.dnsCacheSeconds === 0 ? 0 : t.dnsCacheSeconds + cacheMarginS),
  };
}

const after: Step = {
  action: 'wait',
  seconds: afterNewPods(10, 5),
  title: 'After the scale-up',
  narration:
    'grpc-js asked DNS once, at start-up, and asks again only when a connection breaks. No connection breaks, so the ' +
    'new pods stay invisible to the client. DNS TTLs do not matter: the resolver never looks.',
  kubectl: ['kubectl -n grpc-lab run -it --rm dig --image=busybox -- nslookup service-b.grpc-lab.svc.cluster.local'],
};

export const round4: RoundSpec = {
  round: 4,
  name: 'curveball',
  title: 'Scale-up: the new pods get nothing',
  symptom:
    'Round 3 was fixed with a headless Service and round_robin. Then B was scaled from 10 to 20 pods ' +
    'for a launch, and the 10 new pods served nothing while the old ones stayed as busy as before.',
  topology: 'A x1 (headless + round_robin) -> B x10, scaled to 20 under load; unlimited capacity.',
  clients: ['service-a'],
  backend: 'service-b',
  knobs: [
    { deployment: 'service-b', replicas: true, value: 10, why: 'the starting size; the scale step doubles it' },
    { deployment: 'service-b', env: 'WORK_MS', value: '20', why: 'short calls keep CPU low while ten pods start' },
    { deployment: 'service-a', env: 'RATE', value: '100', why: '10 calls/s per pod (5 after the scale-up): enough that any traffic to a new pod shows at once' },
    {
      deployment: 'service-a',
      env: 'DEADLINE_MS',
      value: '10000',
      why: 'ten B processes start at once on 2 cores and the running pods\' calls wait for CPU (up to 3.5 s locally, 6 s on the lab\'s node): this round is about who gets traffic, not latency',
    },
    { deployment: 'service-a', env: 'LB_POLICY', value: 'round_robin', why: 'the headless component: round 3\'s fix' },
  ],
  timeline: [steady, scale, after],
  windows: {
    main: { from: { mark: 'scale' }, to: 'end', why: 'from the scale step to the end' },
    before: { from: { mark: 'steady', plusS: 1 }, to: { mark: 'scale' }, why: 'before the scale-up' },
  },
  variants: [
    {
      name: 'broken',
      role: 'broken',
      summary: 'Headless + round_robin, nothing else.',
      narration: 'Ten pods paid for and idle: the client never learned they exist.',
      verdicts: [
        {
          name: 'the scale-up happened',
          explanation: 'Ten pods were created by the scale step (so "no traffic" below is not "no pods").',
          metric: 'newPodsTotal',
          op: '>=',
          threshold: 10,
        },
        {
          name: 'new pods get 0% of traffic',
          explanation: 'Over the whole window after the scale-up, the new pods served no call at all.',
          metric: 'newPodsShare',
          op: '==',
          threshold: 0,
        },
      ],
    },
    {
      name: 'restart-a',
      role: 'weak',
      summary: 'Same as broken, and then A is restarted (kubectl rollout restart deployment/service-a).',
      narration:
        'Restarting the client makes it resolve again and the new pods get their share, once. The next scale-up needs ' +
        'another restart: an operational ritual, not a fix.',
      timeline: [
        steady,
        scale,
        { ...after, seconds: afterNewPods(5, 0), title: 'After the scale-up' },
        {
          action: 'rolloutRestart',
          deployment: 'service-a',
          mark: 'restart',
          title: 'Restart A',
          narration: 'A rollout restart of the client: the new A process resolves DNS at start-up and finds 20 pods.',
          kubectl: ['kubectl -n grpc-lab rollout restart deployment/service-a'],
        },
        {
          action: 'waitForRollout',
          deployment: 'service-a',
          title: 'A restarted',
          narration: 'The new A process is ready.',
        },
        {
          action: 'wait',
          seconds: 6,
          mark: 'after-restart',
          title: 'After the restart',
          narration: 'Now all twenty pods share the load.',
        },
      ],
      windows: {
        main: { from: { mark: 'scale' }, to: 'end', why: 'from the scale step to the end' },
        // Ends a second early: the new A process's first second shares its wall-clock bucket with the old one's last.
        scaled: { from: { mark: 'scale' }, to: { mark: 'restart', plusS: -1 }, why: 'between the scale-up and the restart of A' },
        restarted: { from: { mark: 'after-restart', plusS: 1 }, to: 'end', why: 'after the new A process took over' },
      },
      verdicts: [
        { name: 'the scale-up happened', explanation: 'Ten pods were created by the scale step.', metric: 'newPodsTotal', op: '>=', threshold: 10 },
        {
          name: 'nothing before the restart',
          explanation: 'Between the scale-up and A\'s restart the new pods served no call.',
          metric: 'newPodsShare',
          window: 'scaled',
          op: '==',
          threshold: 0,
        },
        {
          name: 'every new pod serves after the restart',
          explanation: 'After A restarted, each new pod served calls.',
          metric: 'newPodsIdle',
          window: 'restarted',
          op: '==',
          threshold: 0,
        },
      ],
    },
    {
      name: 'max-connection-age',
      role: 'fixed',
      summary: 'B sends GOAWAY after 5 s per connection; A may re-resolve once a second and retries calls refused by a GOAWAY race.',
      narration:
        'Each GOAWAY makes the client reconnect and resolve again, so the new pods join within about one connection age. ' +
        'Calls in flight finish on the old connection: no errors.',
      knobs: [
        { deployment: 'service-b', env: 'MAX_CONNECTION_AGE_MS', value: '5000', why: 'new pods found within ~5 s' },
        { deployment: 'service-a', env: 'DNS_MIN_TIME_BETWEEN_RESOLUTIONS_MS', value: '1000', why: 'grpc-js\'s 30 s default would delay re-resolution' },
        {
          deployment: 'service-a',
          env: 'RETRIES',
          value: 'on',
          why: 'grpc-js closes the session right after its max-age GOAWAY: a call sent in that instant is refused unseen by B (~3% of GOAWAYs on this machine), and transparent retry covers only one refusal',
        },
      ],
      verdicts: [
        { name: 'the scale-up happened', explanation: 'Ten pods were created by the scale step.', metric: 'newPodsTotal', op: '>=', threshold: 10 },
        {
          name: 'every new pod served within ~one age',
          explanation:
            'The slowest new pod got its first call within one 5 s age plus readiness, DNS and the 1 s resolution of the ' +
            'counts (9 s); where cluster DNS caches answers, plus that cache.',
          metric: 'newPodsSlowestFirstCallS',
          op: '<=',
          threshold: afterNewPods(9, 1),
        },
        { name: '0 errors', explanation: 'GOAWAY lets calls in flight finish: reconnecting costs no call.', metric: 'errors', op: '==', threshold: 0 },
        {
          name: 'retries not needed',
          explanation: 'B received at most 2% more attempts than A made calls (measurement noise): no failure was hidden by retrying.',
          metric: 'amplification',
          op: '<=',
          threshold: 1.02,
        },
      ],
    },
  ],
  takeaway:
    'Client-side balancing needs a way to learn about new endpoints: a max connection age (or an xDS control plane). ' +
    'DNS TTLs do not help; grpc-js only resolves when told to.',
};
