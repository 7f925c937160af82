// The channel factory: CHANNELS independent gRPC channels to one target, each with its own
// connection(s), built from the service config and options in service-config.ts.
import * as grpc from '@grpc/grpc-js';
import { loadLabProto, type BackendClient } from '../shared/proto.js';
import type { AConfig } from './config.js';
import { channelOptions } from './service-config.js';

export function createChannels(cfg: Pick<AConfig, 'target' | 'channels' | 'lbPolicy' | 'retries' | 'dnsMinTimeBetweenResolutionsMs'>): BackendClient[] {
  const { BackendClient } = loadLabProto();
  const options = channelOptions(cfg);
  const credentials = grpc.credentials.createInsecure();
  return Array.from({ length: cfg.channels }, () => new BackendClient(cfg.target, credentials, options));
}
