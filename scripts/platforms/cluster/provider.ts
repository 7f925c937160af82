// The cluster platform as the registry knows it: `cluster`, or `kind` as people called it before it
// could target any cluster. Usable when one of the lab's own contexts (or the one named with
// --context) is in the kubeconfig and answers.
import type { PlatformEntry } from '../registry.js';
import { ClusterPlatform } from './cluster-platform.js';
import { detectCluster, kubectlProbe, type ContextProbe } from './detect.js';
import { requestRefusal } from './safety.js';
import { CLUSTER_TRAITS } from './traits.js';

export function clusterProvider(probe: ContextProbe = kubectlProbe()): PlatformEntry {
  return {
    name: 'cluster',
    aliases: ['kind'],
    info: CLUSTER_TRAITS,
    detect: (ask) => detectCluster(probe, ask),
    refuse: (request) => requestRefusal(request),
    create: (request) => new ClusterPlatform({ context: request.context, yes: request.yes, image: request.image }),
  };
}
