// gRPC clients for tests: service B's Backend, the standard health service and server reflection,
// each call wrapped as a promise of its final status.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { loadLabProto, type BackendClient, type HoldTick, type WorkReply, type WorkRequest } from '../../services/shared/proto.js';
import { PROJECT_ROOT } from './processes.js';

/** Every test client gets its own connection: grpc-js would otherwise share one between clients. */
export const OWN_CONNECTION: grpc.ChannelOptions = { 'grpc.use_local_subchannel_pool': 1 };

const lab = loadLabProto();

export function backendClient(address: string, options: grpc.ChannelOptions = {}): BackendClient {
  return new lab.BackendClient(address, grpc.credentials.createInsecure(), { ...OWN_CONNECTION, ...options });
}

export interface CallResult {
  code: grpc.status;
  details: string;
  reply?: WorkReply;
  /** Wall time from the call's start to its end, ms. */
  ms: number;
}

export function work(client: BackendClient, req: WorkRequest, deadlineMs = 15_000): Promise<CallResult> {
  const started = performance.now();
  return new Promise((resolve) =>
    client.Work(req, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, reply) => {
      const ms = performance.now() - started;
      resolve(err ? { code: err.code, details: err.details, ms } : { code: grpc.status.OK, details: '', reply, ms });
    }),
  );
}

export interface HoldResult {
  ticks: HoldTick[];
  /** Ends with the stream's final status and when it came (performance.now()). */
  ended: Promise<{ code: grpc.status; details: string; at: number }>;
  call: grpc.ClientReadableStream<HoldTick>;
}

export function hold(client: BackendClient, intervalMs: number): HoldResult {
  const call = client.Hold({ callId: 'hold', intervalMs });
  const ticks: HoldTick[] = [];
  call.on('data', (t: HoldTick) => ticks.push(t));
  const ended = new Promise<{ code: grpc.status; details: string; at: number }>((resolve) => {
    call.on('error', (err: grpc.ServiceError) => resolve({ code: err.code, details: err.details, at: performance.now() }));
    call.on('status', (s: grpc.StatusObject) => s.code === grpc.status.OK && resolve({ code: s.code, details: s.details, at: performance.now() }));
  });
  return { ticks, ended, call };
}

type HealthClient = grpc.Client & {
  Check(req: { service: string }, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void): void;
  Watch(req: { service: string }): grpc.ClientReadableStream<{ status: string }>;
};

const healthPackage = grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, { enums: String })) as unknown as {
  grpc: { health: { v1: { Health: new (address: string, creds: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => HealthClient } } };
};

export function healthClient(address: string): HealthClient {
  return new healthPackage.grpc.health.v1.Health(address, grpc.credentials.createInsecure(), OWN_CONNECTION);
}

/** The serving status B reports for `service` ("" = the whole server). */
export function healthCheck(client: HealthClient, service = ''): Promise<string> {
  return new Promise((resolve, reject) =>
    client.Check({ service }, { deadline: Date.now() + 5000 }, (err, res) => (err ? reject(err) : resolve(res!.status))),
  );
}

interface ReflectionResponse {
  list_services_response?: { service: Array<{ name: string }> };
}
type ReflectionStream = grpc.ClientDuplexStream<{ list_services: string }, ReflectionResponse>;
type ReflectionClient = grpc.Client & { ServerReflectionInfo(): ReflectionStream };

const reflectionPackage = grpc.loadPackageDefinition(
  protoLoader.loadSync(path.join(PROJECT_ROOT, 'node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto'), { keepCase: true }),
) as unknown as {
  grpc: { reflection: { v1: { ServerReflection: new (address: string, creds: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => ReflectionClient } } };
};

/** What grpcurl's `list` asks: the services B exposes, through grpc.reflection.v1. */
export function listServices(address: string): Promise<string[]> {
  const client = new reflectionPackage.grpc.reflection.v1.ServerReflection(address, grpc.credentials.createInsecure(), OWN_CONNECTION);
  const stream = client.ServerReflectionInfo();
  return new Promise<string[]>((resolve, reject) => {
    stream.on('data', (res: ReflectionResponse) => {
      resolve((res.list_services_response?.service ?? []).map((s) => s.name));
      stream.end();
    });
    stream.on('error', reject);
    stream.write({ list_services: '' });
  }).finally(() => client.close());
}
