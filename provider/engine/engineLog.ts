// Messages to the engine from the dynamic-provider process: a group's progress (ephemeral, on the resource's row), a
// preview's note on what a group's change does, and a check's warning (a certificate about to expire).
//
// The engine takes those through its Log RPC (LogRequest with `ephemeral` and the resource's URN). The dynamic
// provider's host is started with the engine's address as its first argument, but does not connect @pulumi/pulumi's
// log functions to it (cmd/dynamic-provider/index.js, 3.248), and a dynamic provider's methods are not given the
// resource's URN: each resource passes its URN as the input `resourceUrn`, and this module makes its own Engine
// client to that address.
import * as path from "node:path";
import type { ProgressSink } from "../lifecycle/port";
import { SILENT } from "../lifecycle/progress";

/**
 * The engine's Log RPC, for the resource `urn`, at `address` (the dynamic-provider host's first argument). The
 * client is @pulumi/pulumi's own generated one, over the gRPC library it ships with. Any failure to connect or send
 * is dropped: progress must never fail a rollout. Progress is `ephemeral` (the CLI shows it on the resource's row
 * until the next one); a preview's note about what a change does is not (it stays in the resource's diagnostics).
 */
export function engineSink(
    address: string | undefined,
    urn: string | undefined,
    { ephemeral = true, severity = "info" }: { ephemeral?: boolean; severity?: "info" | "warning" } = {},
): ProgressSink {
    if (!address || !urn) return SILENT;
    try {
        const proto = require("@pulumi/pulumi/proto/engine_pb") as { LogRequest: new () => LogRequestLike; LogSeverity: { INFO: number; WARNING: number } };
        const shared = engineClient(address);
        const client = shared.client;
        const pending = new Set<Promise<void>>();
        return {
            report(message) {
                const request = new proto.LogRequest();
                request.setSeverity(severity === "warning" ? proto.LogSeverity.WARNING : proto.LogSeverity.INFO);
                request.setMessage(message);
                request.setUrn(urn);
                request.setEphemeral(ephemeral);
                const sent = new Promise<void>((resolve) => client.log(request, () => resolve()));
                pending.add(sent);
                void sent.then(() => pending.delete(sent));
            },
            async close() {
                // The last message must reach the engine before the channel closes (a preview's note is sent just before
                // the diff returns, and the preview may end right after), but a stuck engine must not hold a rollout.
                let timer: NodeJS.Timeout | undefined;
                const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)));
                await Promise.race([Promise.all(pending), limit]);
                clearTimeout(timer);
                shared.release();
            },
        };
    } catch {
        return SILENT;
    }
}

/**
 * One Engine client per address for the process, shared by every sink: a stack of 500 resources opens a sink for
 * each one's progress and notes, and a client (a gRPC channel) each cost the provider process memory and
 * connections. Closed a few seconds after its last sink closed, on a timer that does not keep the process alive.
 */
const CLIENT_LINGER_MS = 5000;
const clients = new Map<string, { client: EngineLike; users: number; timer?: NodeJS.Timeout }>();

function engineClient(address: string): { client: EngineLike; release(): void } {
    let entry = clients.get(address);
    if (!entry) {
        const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
        const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })) as typeof import("@grpc/grpc-js");
        const { EngineClient } = require("@pulumi/pulumi/proto/engine_grpc_pb") as { EngineClient: new (address: string, credentials: unknown) => EngineLike };
        entry = { client: new EngineClient(address, grpc.credentials.createInsecure()), users: 0 };
        clients.set(address, entry);
    }
    const used = entry;
    used.users++;
    clearTimeout(used.timer);
    let released = false;
    return {
        client: used.client,
        release() {
            if (released) return;
            released = true;
            if (--used.users > 0) return;
            used.timer = setTimeout(() => {
                if (used.users > 0) return;
                clients.delete(address);
                used.client.close();
            }, CLIENT_LINGER_MS);
            used.timer.unref();
        },
    };
}

interface LogRequestLike {
    setSeverity(severity: number): void;
    setMessage(message: string): void;
    setUrn(urn: string): void;
    setEphemeral(ephemeral: boolean): void;
}

interface EngineLike {
    log(request: LogRequestLike, callback: (error: unknown) => void): void;
    close(): void;
}

/** The engine's address, as the dynamic-provider host was started with it (`host:port`), if this is that host. */
export function engineAddressFromArgv(argv: readonly string[] = process.argv): string | undefined {
    return argv.slice(2).find((arg) => /^(?:[\w.-]+|\[[0-9a-f:]+\]):\d{1,5}$/i.test(arg));
}
