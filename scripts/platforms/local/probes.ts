// One readiness probe attempt against a pod's own address, as the kubelet's prober makes it:
// - grpc: a new connection and one grpc.health.v1.Health/Check with the configured service ("" by
//   default); success only on SERVING.
// - httpGet: GET http://POD_IP:PORT/PATH; success on a status from 200 to 399.
// - tcpSocket: success when a TCP connection opens.
// Every attempt is bounded by timeoutSeconds; a timeout is a failure.
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { httpGet } from '../../lib/http-get.js';
import type { ContainerPort, ProbeHandler } from './pod-template.js';

export interface ProbeResult {
  ok: boolean;
  /** Why it failed, for a person reading the pod's diagnostics. */
  detail: string;
}

const HealthClient = grpc.makeGenericClientConstructor(healthService as unknown as grpc.ServiceDefinition, 'Health');

type HealthCheck = (req: { service: string }, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void) => void;

/** A named port resolves through the container's ports, as the kubelet resolves it. */
export function resolvePort(port: number | string, ports: ContainerPort[]): number | undefined {
  return typeof port === 'number' ? port : ports.find((p) => p.name === port)?.containerPort;
}

export async function probeOnce(handler: ProbeHandler, ip: string, ports: ContainerPort[], timeoutMs: number): Promise<ProbeResult> {
  const port = resolvePort(handler.port, ports);
  if (port === undefined) return { ok: false, detail: `no container port named ${handler.port}` };
  switch (handler.kind) {
    case 'grpc':
      return grpcCheck(ip, port, handler.service, timeoutMs);
    case 'httpGet':
      return httpCheck(ip, port, handler.path, handler.headers, timeoutMs);
    case 'tcpSocket':
      return tcpCheck(ip, port, timeoutMs);
  }
}

function grpcCheck(ip: string, port: number, service: string, timeoutMs: number): Promise<ProbeResult> {
  // Its own connection per attempt, like the kubelet's probe (no shared subchannel to reuse).
  const client = new HealthClient(`${ip}:${port}`, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  const check = (client as unknown as { Check: HealthCheck }).Check.bind(client);
  return new Promise<ProbeResult>((resolve) => {
    check({ service }, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
      if (err) resolve({ ok: false, detail: `grpc ${grpc.status[err.code]}: ${err.details}` });
      else resolve({ ok: res?.status === 'SERVING', detail: `grpc status ${res?.status}` });
    });
  }).finally(() => client.close());
}

async function httpCheck(ip: string, port: number, path: string, headers: Array<[string, string]>, timeoutMs: number): Promise<ProbeResult> {
  try {
    const { status } = await httpGet(new URL(`http://${ip}:${port}${path}`), { timeoutMs, headers: Object.fromEntries(headers) });
    return { ok: status >= 200 && status < 400, detail: `http ${status}` };
  } catch (err) {
    return { ok: false, detail: `http ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
}

function tcpCheck(ip: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: ip, port });
    const done = (result: ProbeResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, detail: `tcp timeout after ${timeoutMs} ms` }));
    socket.once('connect', () => done({ ok: true, detail: 'tcp connected' }));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, detail: `tcp ${err.code ?? err.message}` }));
  });
}
