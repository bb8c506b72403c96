// The server's TCP connections: counted, and closed once they sit idle, as a real front end closes them.
//
// A real front end closes a kept-alive connection that sat idle; the client learns of it only by the FIN, or by a
// reset when it sends on the socket at that moment. Node would also announce its timeout in a `Keep-Alive: timeout=N`
// header, which lets Node clients close first; front ends such as nginx send none, so every answer carries its own
// `connection: keep-alive` (wire.ts) and Node adds no hint (_http_outgoing.js). Node's own keep-alive timer closes a
// second late (it adds a 1000 ms buffer, _http_server.js, Node 20), so it is off, and the idle time is kept here:
// from the end of a connection's last answer to its next request.
import type * as http from "node:http";
import type { Socket } from "node:net";

interface ConnectionState {
    /** Requests on the connection not answered yet: it is not idle while any is open. */
    open: number;
    timer?: NodeJS.Timeout;
}

export class Connections {
    /** TCP connections accepted since the start (a test sees whether a client opened a new one). */
    accepted = 0;
    private readonly states = new Map<Socket, ConnectionState>();

    /** Watches `server`'s connections. Make it after the server's request handler, so that the handler sees a request first. */
    constructor(
        server: http.Server,
        private readonly idleTimeoutMs: number,
    ) {
        server.keepAliveTimeout = 0;
        server.on("connection", (socket: Socket) => {
            this.accepted++;
            this.states.set(socket, { open: 0 });
            socket.once("close", () => this.stopIdle(socket, true));
        });
        server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
            const socket = req.socket;
            const state = this.states.get(socket);
            if (!state) return;
            this.stopIdle(socket);
            state.open++;
            res.once("close", () => {
                state.open--;
                if (state.open === 0 && !socket.destroyed) this.startIdle(socket);
            });
        });
    }

    private startIdle(socket: Socket): void {
        const state = this.states.get(socket);
        if (!state || this.idleTimeoutMs <= 0) return;
        clearTimeout(state.timer);
        // Both directions at once, as a front end that drops the connection: a request sent after this is reset.
        state.timer = setTimeout(() => socket.destroy(), this.idleTimeoutMs);
        state.timer.unref();
    }

    private stopIdle(socket: Socket, forget = false): void {
        const state = this.states.get(socket);
        if (state) clearTimeout(state.timer);
        if (forget) this.states.delete(socket);
    }
}
