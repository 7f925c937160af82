// How many HTTP/2 connections (sessions) are open on B's gRPC server right now.
//
// grpc-js does not expose its sessions, but with channelz on (the default, and B needs it anyway:
// forceShutdown only destroys the sessions channelz tracks) every accepted session is registered
// as a child socket of the server's channelz entry and removed when the session closes. The
// channelz service handlers are public API (`getChannelzHandlers`, what grpc's admin service
// serves), so B calls GetServerSockets in-process, with its own server id, instead of reaching
// into grpc-js internals or counting TCP sockets itself. Once the server has shut down its
// channelz entry is gone (NOT_FOUND), which correctly means no connections are left.
import * as grpc from '@grpc/grpc-js';

/** A page size far above any connection count the lab creates; pages are still followed. */
const PAGE = 1000;

type GetServerSockets = ReturnType<typeof grpc.getChannelzHandlers>['GetServerSockets'];
type SocketsCall = Parameters<GetServerSockets>[0];

export async function openConnections(server: grpc.Server): Promise<number> {
  const serverId = String(server.getChannelzRef().id);
  let count = 0;
  let startId = 0;
  for (;;) {
    const page = await serverSocketsPage(serverId, startId);
    if (page === null) return count;
    count += page.ids.length;
    if (page.end || page.ids.length === 0) return count;
    startId = Math.max(...page.ids) + 1;
  }
}

function serverSocketsPage(serverId: string, startId: number): Promise<{ ids: number[]; end: boolean } | null> {
  const { GetServerSockets } = grpc.getChannelzHandlers();
  // An in-process call: only `request` is read by the handler.
  const call = { request: { server_id: serverId, start_socket_id: String(startId), max_results: String(PAGE) } } as unknown as SocketsCall;
  return new Promise((resolve) =>
    GetServerSockets(call, (err, res) => {
      if (err || !res) return resolve(null);
      resolve({ ids: (res.socket_ref ?? []).map((r) => Number(r.socket_id)), end: Boolean(res.end) });
    }),
  );
}
