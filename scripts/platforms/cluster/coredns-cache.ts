// How long a cluster's CoreDNS may answer a Service name from its cache, read from its Corefile.
// kubeadm (and so kind) configured `cache 30` up to Kubernetes 1.31; from 1.32 its Corefile keeps
// `cache 30` for names outside the cluster but disables it for the cluster domain
// (`disable success cluster.local`, `disable denial cluster.local`). A lab that assumed either one
// would wait 30 s for nothing, or not long enough: the platform reads the cluster's own.

/** The seconds a positive answer for a name in `domain` may be served from CoreDNS' cache. */
export function corednsCacheSeconds(corefile: string, domain = 'cluster.local'): number {
  const lines = corefile
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  let seconds = 0;
  for (let i = 0; i < lines.length; i++) {
    const words = lines[i]!.split(/\s+/);
    if (words[0] !== 'cache') continue;
    // `cache [TTL] [ZONES...]`: no TTL means CoreDNS' own maximum, 3600 s.
    const ttl = words[1] !== undefined && /^\d+$/.test(words[1]) ? Number(words[1]) : 3600;
    const zones = words.slice(words[1] !== undefined && /^\d+$/.test(words[1]) ? 2 : 1).filter((w) => w !== '{');
    if (zones.length > 0 && !zones.some((z) => covers(z, domain))) continue;
    let cached = ttl;
    if (lines[i]!.endsWith('{')) {
      for (i++; i < lines.length && lines[i] !== '}'; i++) {
        const [key, ...args] = lines[i]!.split(/\s+/);
        if (key === 'disable' && args[0] === 'success' && (args.length === 1 || args.slice(1).some((z) => covers(z, domain)))) cached = 0;
        // `success CAPACITY [TTL [MINTTL]]`: a TTL here caps positive answers.
        if (key === 'success' && args[1] !== undefined && /^\d+$/.test(args[1])) cached = Math.min(cached, Number(args[1]));
      }
    }
    seconds = Math.max(seconds, cached);
  }
  return seconds;
}

/** Whether a zone (`.`, `cluster.local`, `cluster.local.`) holds names of `domain`. */
function covers(zone: string, domain: string): boolean {
  const z = zone.replace(/\.$/, '').toLowerCase();
  const d = domain.replace(/\.$/, '').toLowerCase();
  return z === '' || d === z || d.endsWith(`.${z}`);
}
