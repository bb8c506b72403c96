// A group's progress: the summary a user reads while hundreds of domains configure, how often it comes, and that it
// reaches the engine as an ephemeral Log request on the resource's URN (sent to a gRPC server speaking Pulumi's own
// Engine service definition).
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { engineAddressFromArgv, engineSink } from "../../provider/engine/engineLog";
import type { ProgressSink } from "../../provider/lifecycle/port";
import { ProgressTracker, reportChanges, reportPeriodically } from "../../provider/lifecycle/progress";
import { VirtualClock } from "../support/virtualClock";

describe("ProgressTracker", () => {
    it("GIVEN domains in every phase THEN one line: done of all, confirming and on what, not set yet, failed", () => {
        const tracker = new ProgressTracker("serve the certificate", ["a", "b", "c", "d", "e", "f", "g"]);
        tracker.event("a", { kind: "set" });
        tracker.event("b", { kind: "waiting", on: "configuring" });
        tracker.event("c", { kind: "waiting", on: "configuring" });
        tracker.event("d", { kind: "waiting", on: "ServiceBusy" });
        tracker.finished("e", true);
        tracker.finished("f", false);
        tracker.event("not-mine", { kind: "set" });
        assert.equal(tracker.summary(), "1/7 domains serve the certificate; 4 set and confirming (2 configuring, 1 ServiceBusy); 1 not set yet; 1 failed");
    });

    it("GIVEN one domain THEN the line names it and says what it waits on", () => {
        const tracker = new ProgressTracker("serves the certificate", ["www.example.com"]);
        assert.equal(tracker.summary(), "www.example.com: reading what it serves");
        tracker.event("www.example.com", { kind: "waiting", on: "ServiceBusy" });
        assert.equal(tracker.summary(), "www.example.com: waiting on ServiceBusy");
        tracker.event("www.example.com", { kind: "set" });
        assert.equal(tracker.summary(), "www.example.com: set, confirming");
        tracker.finished("www.example.com", true);
        assert.equal(tracker.summary(), "www.example.com: serves the certificate");
    });

    it("GIVEN a rollout of two minutes THEN a line every 10 s, and the final count when it ends", async () => {
        const clock = new VirtualClock();
        const lines: string[] = [];
        const sink: ProgressSink = { report: (m) => lines.push(`${clock.now() / 1000}s ${m}`), close: () => void lines.push("closed") };
        const tracker = new ProgressTracker("done", ["a", "b"]);
        const reporting = reportPeriodically(tracker, sink, clock);
        const work = (async () => {
            await clock.sleep(25_000);
            tracker.finished("a", true);
            await clock.sleep(10_000);
            tracker.finished("b", true);
            reporting.stop();
        })();
        await clock.run();
        await work;
        assert.deepEqual(lines, [
            "10s 0/2 domains done; 2 not set yet",
            "20s 0/2 domains done; 2 not set yet",
            "30s 1/2 domains done; 1 not set yet",
            "35s 2/2 domains done",
            "closed",
        ]);
    });
});

describe("reportChanges: a single resource's line", () => {
    const run = async (script: (tracker: ProgressTracker, changed: () => void, clock: VirtualClock) => Promise<void>) => {
        const clock = new VirtualClock();
        const lines: string[] = [];
        const sink: ProgressSink = { report: (m) => lines.push(`${clock.now() / 1000}s ${m}`), close: () => void lines.push("closed") };
        const tracker = new ProgressTracker("serves the certificate", ["www.example.com"]);
        const reporting = reportChanges(tracker, sink, clock);
        const work = (async () => {
            await script(tracker, () => reporting.changed(), clock);
            reporting.stop();
        })();
        await clock.run();
        await work;
        return lines;
    };

    it("GIVEN a change done in seconds THEN it says nothing, not even at the end", async () => {
        const lines = await run(async (tracker, changed, clock) => {
            tracker.event("www.example.com", { kind: "set" });
            changed();
            await clock.sleep(3_000);
            tracker.finished("www.example.com", true);
        });
        assert.deepEqual(lines, ["closed"]);
    });

    it("GIVEN a wait of minutes THEN a line once 10 s passed, a change at once when 10 s passed since, else at the next tick, and the last word", async () => {
        const lines = await run(async (tracker, changed, clock) => {
            tracker.event("www.example.com", { kind: "waiting", on: "configuring" });
            changed(); // at 0 s: nothing yet
            await clock.sleep(12_000); // the 10 s tick said it
            tracker.event("www.example.com", { kind: "waiting", on: "ServiceBusy" });
            changed(); // 2 s after the last line: waits for the 20 s tick
            await clock.sleep(20_000);
            tracker.event("www.example.com", { kind: "waiting", on: "InternalError" });
            changed(); // 12 s after the last line: at once
            await clock.sleep(1_000);
            tracker.finished("www.example.com", true);
        });
        assert.deepEqual(lines, [
            "10s www.example.com: waiting on configuring",
            "20s www.example.com: waiting on ServiceBusy",
            "32s www.example.com: waiting on InternalError",
            "33s www.example.com: serves the certificate",
            "closed",
        ]);
    });
});

describe("engineSink", () => {
    it("GIVEN the engine's address and the resource's URN THEN each line is an ephemeral INFO Log request on that URN", async (t) => {
        const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
        const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })) as typeof import("@grpc/grpc-js");
        const services = require("@pulumi/pulumi/proto/engine_grpc_pb") as { EngineService: import("@grpc/grpc-js").ServiceDefinition };
        const received: { message: string; urn: string; ephemeral: boolean; severity: number }[] = [];
        const server = new grpc.Server();
        server.addService(services.EngineService, {
            log(
                call: { request: { getMessage(): string; getUrn(): string; getEphemeral(): boolean; getSeverity(): number } },
                callback: (e: null, r: unknown) => void,
            ) {
                received.push({
                    message: call.request.getMessage(),
                    urn: call.request.getUrn(),
                    ephemeral: call.request.getEphemeral(),
                    severity: call.request.getSeverity(),
                });
                const { Empty } = require("google-protobuf/google/protobuf/empty_pb") as { Empty: new () => unknown };
                callback(null, new Empty());
            },
        } as never);
        const port = await new Promise<number>((resolve, reject) =>
            server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
        );
        t.after(() => server.forceShutdown());
        const urn = "urn:pulumi:dev::demo::pulumi-nodejs:dynamic/alicloud-certs:DomainCertificateGroup::all";
        const sink = engineSink(`127.0.0.1:${port}`, urn);
        sink.report("3/500 domains serve the certificate");
        const note = engineSink(`127.0.0.1:${port}`, urn, { ephemeral: false });
        note.report("adds 1 domain: a.example.com; 500 domains in all");
        // close() returns once the engine has both: a preview may end as soon as the diff that sent a note returns.
        await Promise.all([sink.close(), note.close()]);
        const { LogSeverity } = require("@pulumi/pulumi/proto/engine_pb") as { LogSeverity: { INFO: number } };
        assert.deepEqual(
            received.sort((a, b) => a.message.localeCompare(b.message)),
            [
                { message: "3/500 domains serve the certificate", urn, ephemeral: true, severity: LogSeverity.INFO },
                { message: "adds 1 domain: a.example.com; 500 domains in all", urn, ephemeral: false, severity: LogSeverity.INFO },
            ],
        );
    });

    it("finds the engine's address among the dynamic-provider host's arguments", () => {
        assert.equal(engineAddressFromArgv(["node", "/x/@pulumi/pulumi/cmd/dynamic-provider/index.js", "127.0.0.1:40213"]), "127.0.0.1:40213");
        assert.equal(engineAddressFromArgv(["node", "index.ts"]), undefined);
    });
});
