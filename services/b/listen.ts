// Binding and closing B's listeners. Every listener binds to POD_IP only: on the local platform each
// pod owns one loopback address, exactly as each Kubernetes pod owns its IP.
import type http from 'node:http';
import net from 'node:net';

export function hostPort(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** An error runMain prints as "port in use: ..." (code EADDRINUSE), naming the variable to change. */
export function portInUse(variable: string, address: string): Error {
  return Object.assign(new Error(`${address} (${variable})`), { code: 'EADDRINUSE' });
}

/** Listens on host:port and resolves with the bound port (PORT=0 picks a free one). */
export function listenTcp(server: net.Server, host: string, port: number, variable: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? portInUse(variable, hostPort(host, port)) : err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Stops accepting; resolves once every connection has ended (Node closes idle keep-alive ones at once). */
export function closeHttp(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}
