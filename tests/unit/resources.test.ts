// Constructing the resources in a program (Pulumi's mocks stand in for the engine): what the constructor itself
// guarantees, whatever the engine later does with the registration.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
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
});
