// The lab's one HTTP GET: a pod's /stats through its loopback address, the API server through
// the kubeconfig's TLS options, a readiness probe's httpGet. It resolves with any status (each
// caller decides what a failure is) and rejects only when no answer came: a refused or reset
// connection, or no complete answer within the timeout.
import http from 'node:http';
import https from 'node:https';

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface HttpGetOptions {
  timeoutMs: number;
  headers?: Record<string, string>;
  /** TLS and credentials for https (the kubeconfig's); plain http needs none. */
  tls?: https.RequestOptions;
  /** A keep-alive agent for a server that stays (the API server); by default every GET opens its
   *  own connection, so a pod that was replaced is never reached through a stale socket. */
  agent?: http.Agent;
}

export function httpGet(url: URL, opts: HttpGetOptions): Promise<HttpAnswer> {
  const request = url.protocol === 'https:' ? https.request : http.request;
  const headers = { ...(opts.tls?.headers as Record<string, string> | undefined), ...opts.headers };
  const options: https.RequestOptions = { ...opts.tls, method: 'GET', headers, timeout: opts.timeoutMs, agent: opts.agent ?? false };
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
