// The two API calls the cluster platform makes without kubectl: a GET of a raw API path (the pod
// proxy, pod lists, /version) and a watch that keeps itself alive. The real one uses
// @kubernetes/client-node with the kubeconfig's credentials for one named context; tests use a fake.
import http from 'node:http';
import https from 'node:https';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { httpGet } from '../../lib/http-get.js';
import { firstLine } from '../../lib/text.js';
import { PlatformError } from '../platform.js';
import type { WatchType } from './watch-events.js';

export interface KubeApi {
  /** GET a path (with its query) on the API server; resolves with the body of a 2xx answer. */
  get(path: string, timeoutMs?: number): Promise<string>;
  /**
   * Streams ADDED / MODIFIED / DELETED events of a collection until the returned stop function is
   * called, reconnecting when the server ends the stream. Resolves once the first stream is open.
   */
  watch(path: string, onEvent: (type: WatchType, object: unknown) => void, onError: (err: Error) => void): Promise<() => void>;
}

/** A KubeConfig loaded the way kubectl loads it (KUBECONFIG, then ~/.kube/config), set to `context`. */
export function kubeConfigFor(context: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (err) {
    throw new PlatformError(`kubeconfig: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!kc.getContextObject(context)) throw new PlatformError(`no context ${context} in kubeconfig`);
  kc.setCurrentContext(context);
  return kc;
}

/** A watch stream that ends on its own is opened again after this pause, from the last version seen. */
const RECONNECT_MS = 500;

export function clientNodeApi(kc: KubeConfig): KubeApi {
  const server = kc.getCurrentCluster()?.server.replace(/\/$/, '');
  if (!server) throw new PlatformError(`context ${kc.getCurrentContext()} has no cluster server`);
  // One keep-alive connection pool for every GET: the collector reads pods' /stats through the
  // API server several times a second, and a TLS handshake per read cost tens a second. Idle
  // sockets are unref'd by Node's agent, so the pool never keeps the lab running.
  const agent = server.startsWith('https:') ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });

  return {
    async get(path, timeoutMs = 10_000) {
      const tls: https.RequestOptions = {};
      await kc.applyToHTTPSOptions(tls);
      const answer = await httpGet(new URL(server + path), { timeoutMs, tls, agent }).catch((e: Error) => {
        throw new PlatformError(`GET ${path}: ${e.message}`);
      });
      if (answer.status >= 200 && answer.status < 300) return answer.body;
      throw new PlatformError(`GET ${path}: HTTP ${answer.status}${answer.body ? `: ${firstLine(answer.body).slice(0, 200)}` : ''}`);
    },

    async watch(path, onEvent, onError) {
      const watcher = new Watch(kc);
      let stopped = false;
      let resourceVersion: string | undefined;
      let controller: AbortController | undefined;
      let timer: NodeJS.Timeout | undefined;

      const onLine = (type: string, obj: { metadata?: { resourceVersion?: string }; code?: number }): void => {
        if (type === 'ERROR') {
          // 410 Gone: the version we hold is too old; start again from a fresh list.
          if (obj?.code === 410) resourceVersion = undefined;
          return;
        }
        resourceVersion = obj?.metadata?.resourceVersion ?? resourceVersion;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') onEvent(type, obj);
      };
      const open = async (): Promise<void> => {
        controller = await watcher.watch(path, { allowWatchBookmarks: true, resourceVersion }, onLine, (err: unknown) => {
          if (stopped) return;
          if (err) onError(err instanceof Error ? err : new Error(String(err)));
          timer = setTimeout(() => void open().catch((e: Error) => onError(e)), RECONNECT_MS);
        });
        if (stopped) controller.abort();
      };
      await open();
      return () => {
        stopped = true;
        clearTimeout(timer);
        controller?.abort();
      };
    },
  };
}
