// Name lookup for REST calls through the lab's DNS server (DNS_SERVER), in place of getaddrinfo:
// the same server the gRPC resolver asks, so both protocols see the same Service records.
import dns from 'node:dns';
import net from 'node:net';
import type { DnsServer } from './config.js';

export function lookupThrough(server: DnsServer): net.LookupFunction {
  const resolver = new dns.Resolver();
  resolver.setServers([server.address]);
  return (hostname, options, callback) => {
    const family = net.isIP(hostname);
    if (family !== 0) return answer(hostname, family, options, callback);
    resolver.resolve4(hostname, (err, addresses) => {
      if (err) return callback(err, '');
      // The first answer, as getaddrinfo would hand it to http: a ClusterIP name has only one.
      answer(addresses[0], 4, options, callback);
    });
  };
}

function answer(address: string, family: number, options: dns.LookupOptions, callback: Parameters<net.LookupFunction>[2]): void {
  if (options.all) callback(null, [{ address, family }]);
  else callback(null, address, family);
}
