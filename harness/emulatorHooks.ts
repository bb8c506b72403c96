// The emulator's test hooks (/__emulator/*), as the tests, the benchmark and the reliability scenarios use them.
//
// Each call goes on a connection of its own (`agent: false`): the emulator closes kept-alive connections idle for
// 10 s without saying so, and a pooled connection taken in that instant is reset (the race
// harness/sdkClients.ts describes). fetch cannot be told not to pool.
import * as http from "node:http";
import type { CasSummary, FaultSpec, RequestLogEntry } from "../emulator";

export class EmulatorHooks {
    constructor(readonly endpoint: string) {}

    /** The answer's JSON; an answer other than 2xx throws, with its status and body. */
    private call(method: string, target: string, body?: unknown): Promise<unknown> {
        const url = new URL(target, this.endpoint);
        const payload = body === undefined ? undefined : JSON.stringify(body);
        return new Promise((resolve, reject) => {
            const request = http.request(
                url,
                {
                    method,
                    agent: false,
                    headers: payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
                    timeout: 30_000,
                },
                (response) => {
                    let text = "";
                    response.setEncoding("utf8").on("data", (d: string) => (text += d));
                    response.on("end", () => {
                        const status = response.statusCode ?? 0;
                        if (status < 200 || status >= 300) return reject(new Error(`${method} ${target}: ${status} ${text}`));
                        try {
                            resolve(JSON.parse(text));
                        } catch (error) {
                            reject(new Error(`${method} ${target}: ${status} with a body that is not JSON: ${(error as Error).message}`));
                        }
                    });
                },
            );
            request.on("timeout", () => request.destroy(new Error(`${method} ${target}: no answer in 30 s`)));
            request.on("error", reject);
            request.end(payload);
        });
    }

    /** Clears the request log, the faults and the rate-limit windows (not the domains). */
    async reset(): Promise<void> {
        await this.call("POST", "/__emulator/reset");
    }

    async fault(spec: FaultSpec): Promise<void> {
        await this.call("POST", "/__emulator/faults", spec);
    }

    async clearFaults(): Promise<void> {
        await this.call("DELETE", "/__emulator/faults");
    }

    /** Puts a domain in one of the eight states, as the console or another tool would. */
    async setDomainStatus(domainName: string, domainStatus: string): Promise<void> {
        await this.call("POST", "/__emulator/domains", { domainName, domainStatus });
    }

    /** The request log since the last reset (names and outcomes only). */
    async requests(): Promise<RequestLogEntry[]> {
        return (await this.call("GET", "/__emulator/requests")) as RequestLogEntry[];
    }

    /**
     * The entries of the certificate service (CAS) of one account, or of every account: id, name, region, source
     * (upload, cdn-set, live-set, seed), the leaf's SHA-256 and NotAfter; never a PEM.
     */
    async casCertificates(accessKeyId?: string): Promise<CasSummary[]> {
        const query = accessKeyId === undefined ? "" : `?accessKeyId=${encodeURIComponent(accessKeyId)}`;
        return (await this.call("GET", `/__emulator/cas-certificates${query}`)) as CasSummary[];
    }

    /** The calls that change a domain: every set action, single or batch. */
    async setCalls(): Promise<RequestLogEntry[]> {
        return (await this.requests()).filter((r) => /^(Batch)?Set/.test(r.action ?? ""));
    }
}
