// The emulator's test hooks (/__emulator/*), as the lifecycle and e2e tests use them.
import assert from "node:assert/strict";
import type { FaultSpec, RequestLogEntry } from "../../emulator";

export class EmulatorHooks {
    constructor(readonly endpoint: string) {}

    private async call(method: string, path: string, body?: unknown): Promise<unknown> {
        const response = await fetch(this.endpoint + path, {
            method,
            headers: body ? { "content-type": "application/json" } : {},
            body: body ? JSON.stringify(body) : undefined,
        });
        assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
        return response.json();
    }

    /** Clears the request log and the faults (not the domains). */
    async reset(): Promise<void> {
        await this.call("POST", "/__emulator/reset");
    }

    async fault(spec: FaultSpec): Promise<void> {
        await this.call("POST", "/__emulator/faults", spec);
    }

    /** Puts a domain in one of the eight states, as the console or another tool would. */
    async setDomainStatus(domainName: string, domainStatus: string): Promise<void> {
        await this.call("POST", "/__emulator/domains", { domainName, domainStatus });
    }

    async requests(): Promise<RequestLogEntry[]> {
        return (await this.call("GET", "/__emulator/requests")) as RequestLogEntry[];
    }

    /** The calls that change a domain: every set action, single or batch. */
    async setCalls(): Promise<RequestLogEntry[]> {
        return (await this.requests()).filter((r) => /^(Batch)?Set/.test(r.action ?? ""));
    }
}
