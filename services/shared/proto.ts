// Loads proto/lab.proto at run time: one source of truth, no generated code to keep in sync.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROJECT_ROOT } from './project-root.js';

export const PROTO_PATH = path.join(PROJECT_ROOT, 'proto/lab.proto');

export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

export interface WorkRequest {
  callId: string;
  payloadSize: number;
  workMs?: number;
}

export interface WorkReply {
  podName: string;
  podIp: string;
  servedAtMs: number;
  payload: Buffer;
}

export interface HoldRequest {
  callId: string;
  intervalMs: number;
}

export interface HoldTick {
  podName: string;
  seq: number;
  sentAtMs: number;
}

export function loadPackageDefinition(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(PROTO_PATH, LOADER_OPTIONS);
}

export type BackendClient = grpc.Client & {
  Work(
    req: WorkRequest,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, reply?: WorkReply) => void,
  ): grpc.ClientUnaryCall;
  Hold(req: HoldRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<HoldTick>;
};

export interface LabProto {
  packageDefinition: protoLoader.PackageDefinition;
  BackendService: grpc.ServiceDefinition;
  BackendClient: new (target: string, creds: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => BackendClient;
}

export function loadLabProto(): LabProto {
  const packageDefinition = loadPackageDefinition();
  const loaded = grpc.loadPackageDefinition(packageDefinition) as unknown as {
    lab: { v1: { Backend: grpc.ServiceClientConstructor } };
  };
  const ctor = loaded.lab.v1.Backend;
  return {
    packageDefinition,
    BackendService: ctor.service,
    BackendClient: ctor as unknown as LabProto['BackendClient'],
  };
}
