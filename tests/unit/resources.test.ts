// Constructing the resources in a program (Pulumi's mocks stand in for the engine): what the constructor itself
// guarantees, whatever the engine later does with the registration.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { DomainCertificateGroup } from "../../provider/resources/domainCertificateGroup";
import { DomainCertificate, LiveDomainCertificate } from "../../provider";

describe("constructing DomainCertificate and LiveDomainCertificate", () => {
    before(() => {
        pulumi.runtime.setMocks(
            {
                newResource: (args) => ({ id: `${args.inputs.domainName}`, state: args.inputs }),
                call: () => ({}),
            },
            "project",
            "stack",
            false,
        );
    });

    it("leaves Error.stackTraceLimit as the program set it", () => {
        // Registration runs with no stack capture (see certificateResource.ts); the program's setting must survive.
        const before = Error.stackTraceLimit;
        Error.stackTraceLimit = 17;
        try {
            new DomainCertificate("cdn", { domainName: "www.example.test", status: "off" });
            new LiveDomainCertificate("live", { domainName: "live.example.test", status: "off" });
            assert.equal(Error.stackTraceLimit, 17);
        } finally {
            Error.stackTraceLimit = before;
        }
    });

    it("leaves Error.prepareStackTrace as the program set it", () => {
        const before = Error.prepareStackTrace;
        const programs: typeof Error.prepareStackTrace = (error, frames) => `${error}: ${frames.length} frames`;
        Error.prepareStackTrace = programs;
        try {
            new DomainCertificate("cdn-format", { domainName: "www.example.test", status: "off" });
            assert.equal(Error.prepareStackTrace, programs);
        } finally {
            Error.prepareStackTrace = before;
        }
    });

    it("Pulumi records the program's line as the resource's source position, and no frame of this package", () => {
        // What @pulumi/pulumi hands to its registration call is what the engine receives and stores (the e2e export
        // test checks the stored state); observed at that call, which adds no frame to the stack already taken.
        type Register = (...args: unknown[]) => unknown;
        const runtimeResource = require("@pulumi/pulumi/runtime/resource") as { registerResource: Register };
        type Position = { uri: string; line: number } | undefined;
        const recorded: Array<{ sourcePosition: Position; stackTrace: Position[] }> = [];
        const register = runtimeResource.registerResource;
        runtimeResource.registerResource = (...args: unknown[]) => {
            recorded.push({ sourcePosition: args[9] as Position, stackTrace: args[10] as Position[] });
            return register(...args);
        };
        let declaredAt = 0;
        try {
            declaredAt = lineOfThisCall() + 1;
            new DomainCertificate("cdn-position", { domainName: "www.example.test", status: "off" });
            new LiveDomainCertificate("live-position", { domainName: "live.example.test", status: "off" });
        } finally {
            runtimeResource.registerResource = register;
        }
        assert.equal(recorded.length, 2);
        recorded.forEach(({ sourcePosition, stackTrace }, index) => {
            assert.match(sourcePosition?.uri ?? "", /\/tests\/unit\/resources\.test\.ts$/, "the declaring file");
            assert.equal(sourcePosition?.line, declaredAt + index, "the declaring line");
            const ours = stackTrace.filter((frame) => /\/provider\/resources\//.test(frame?.uri ?? ""));
            assert.deepEqual(ours, [], "no frame of the resource classes");
        });
    });

    it("an error thrown while registering keeps its message and a stack down to the caller, and the limit is restored", () => {
        const before = Error.stackTraceLimit;
        let caught: unknown;
        try {
            new DomainCertificate("bad-parent", { domainName: "www.example.test", status: "off" }, { parent: {} as pulumi.Resource });
        } catch (error) {
            caught = error;
        }
        assert.ok(caught instanceof Error, "the constructor throws");
        assert.match(caught.message, /parent is not a valid Resource/);
        assert.match(caught.stack ?? "", /resources\.test\.ts/, "the stack shows where the resource was declared");
        assert.equal(Error.stackTraceLimit, before);
    });

    it("a group with a parent that is not a resource is refused the same way, with nothing left to reject later", () => {
        assert.throws(
            () => new DomainCertificateGroup("bad-parent-group", { domains: ["www.example.test"], status: "off" }, { parent: {} as pulumi.Resource }),
            /parent is not a valid Resource/,
        );
    });
});

/** The line of the caller of this function, in this file. */
function lineOfThisCall(): number {
    const frame = new Error().stack!.split("\n")[2] ?? "";
    return Number(/:(\d+):\d+\)?$/.exec(frame)?.[1]);
}
