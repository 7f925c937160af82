// Service A: the caller, an open-loop load generator with per-call accounting and /stats.
// Configuration is read before grpc-js is imported: grpc-js decides at import time whether to use
// its alternative (c-ares) DNS resolver, which DNS_SERVER needs.
import { runMain } from '../shared/config.js';
import { loadConfig } from './config.js';

await runMain('a', async () => {
  const cfg = loadConfig(process.env);
  if (cfg.dnsServer) process.env.GRPC_NODE_USE_ALTERNATIVE_RESOLVER = 'true';
  const { runServiceA } = await import('./service.js');
  await runServiceA(cfg);
});
