// The cluster platform reads how long CoreDNS may serve a Service name from its cache out of the
// cluster's own Corefile: kubeadm's before 1.32 caches it 30 s, from 1.32 not at all.
import { describe, expect, it } from 'vitest';
import { corednsCacheSeconds } from '../scripts/platforms/cluster/coredns-cache.js';

// kubeadm 1.34's Corefile, as it renders it for the cluster domain cluster.local.
const KUBEADM_1_34 = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
`;

// kubeadm 1.31's (kind v0.24's node image): the same without the cache block.
const KUBEADM_1_31 = KUBEADM_1_34.replace(/cache 30 \{[^}]*\}/, 'cache 30');

describe('corednsCacheSeconds', () => {
  it('reads 0 from kubeadm 1.32+ (cache disabled for the cluster domain) and 30 from 1.31', () => {
    expect(corednsCacheSeconds(KUBEADM_1_34)).toBe(0);
    expect(corednsCacheSeconds(KUBEADM_1_31)).toBe(30);
  });

  it('a cache disabled for another domain only still caches ours', () => {
    expect(corednsCacheSeconds(KUBEADM_1_34.replaceAll('disable success cluster.local', 'disable success example.org'))).toBe(30);
  });

  it('no cache plugin: 0; `cache` alone: CoreDNS\' 3600 s; a success TTL caps it; zones are honoured', () => {
    expect(corednsCacheSeconds(KUBEADM_1_34.replace(/cache 30 \{[^}]*\}/, ''))).toBe(0);
    expect(corednsCacheSeconds('.:53 {\n  kubernetes cluster.local\n  cache\n}\n')).toBe(3600);
    expect(corednsCacheSeconds('.:53 {\n  cache 300 {\n    success 9984 10\n  }\n}\n')).toBe(10);
    expect(corednsCacheSeconds('.:53 {\n  cache 30 example.org\n}\n')).toBe(0);
    expect(corednsCacheSeconds('.:53 {\n  cache 30 cluster.local.\n}\n')).toBe(30);
    expect(corednsCacheSeconds('.:53 {\n  # cache 30\n}\n')).toBe(0);
  });
});
