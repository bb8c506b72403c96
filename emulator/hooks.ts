// The test hooks, `/__emulator/*`: the request log, injected faults, a domain's state, the certificate service's
// entries and a reset. They are not part of the Alibaba API and not authenticated (the emulator listens on
// loopback); their errors are JSON bodies of the same shape as the API's, with HostId `emulator`.
import type * as http from "node:http";
import { parseParameters } from "./apiRequest";
import { statusAt } from "./domains/lifecycle";
import { isProduct, PRODUCTS_WITH_DOMAINS } from "./domains/record";
import { DOMAIN_STATUSES, isDomainStatus } from "./domains/statuses";
import * as errors from "./errors";
import { ApiError } from "./errors";
import { parseFaultSpec } from "./faults";
import { casSummary, type CasSummary } from "./handlers/casStore";
import type { EmulatorParts } from "./parts";
import { errorBody, newRequestId, readBodyWithin, sendJson } from "./wire";

export const HOOK_PREFIX = "/__emulator/";

export class TestHooks {
    constructor(private readonly emulator: EmulatorParts) {}

    /** Answers one hook request; `path` starts with HOOK_PREFIX. */
    async handle(req: http.IncomingMessage, res: http.ServerResponse, path: string, rawQuery: string): Promise<void> {
        const emulator = this.emulator;
        try {
            const body = await readBodyWithin(req, emulator.maxBodyBytes);
            const route = `${req.method ?? "GET"} ${path.replace(/\/+$/, "")}`;
            switch (route) {
                case "GET /__emulator/requests":
                    sendJson(res, 200, emulator.log.list());
                    return;
                case "GET /__emulator/faults":
                    sendJson(res, 200, emulator.faults.list());
                    return;
                case "POST /__emulator/faults":
                    sendJson(res, 200, emulator.faults.add(parseFaultSpec(parseJson(body))));
                    return;
                case "DELETE /__emulator/faults":
                    emulator.faults.clear();
                    sendJson(res, 200, {});
                    return;
                case "POST /__emulator/domains":
                    sendJson(res, 200, this.setDomainStatus(parseJson(body)));
                    return;
                case "GET /__emulator/cas-certificates":
                    sendJson(res, 200, this.casCertificates(parseParameters(rawQuery).get("accessKeyId")));
                    return;
                case "POST /__emulator/reset":
                    this.reset();
                    sendJson(res, 200, {});
                    return;
                default:
                    throw errors.hookNotFound(`${req.method ?? "GET"} ${path}`);
            }
        } catch (error) {
            const answered = error instanceof ApiError ? error : errors.internalError();
            sendJson(res, answered.status, errorBody(answered, newRequestId(), "emulator"));
        }
    }

    /** Clears faults, the request log and the rate-limit windows (not the domains: they are the cloud). */
    reset(): void {
        this.emulator.faults.clear();
        this.emulator.log.clear();
        this.emulator.limiter.reset();
    }

    /**
     * Puts a domain in one of the eight states, as the console or another tool would (`POST /__emulator/domains`).
     * Returns the domain's name and state as the domain reads now report it.
     */
    setDomainStatus(input: unknown): { domainName: string; domainStatus: string } {
        if (typeof input !== "object" || input === null || Array.isArray(input)) throw errors.hookInvalidRequest("expected a JSON object");
        const { domainName, domainStatus, product, accessKeyId } = input as Record<string, unknown>;
        if (typeof domainName !== "string" || domainName.trim() === "") throw errors.hookInvalidRequest(`"domainName" must be a domain of the emulator`);
        if (!isDomainStatus(domainStatus)) throw errors.hookInvalidRequest(`"domainStatus" must be one of ${DOMAIN_STATUSES.join(", ")}`);
        const { store, clock, behaviour } = this.emulator;
        store.refresh();
        let domain = store.accounts.map((account) => store.findDomain(account, domainName.trim())).find((d) => d !== undefined);
        if (!domain && product !== undefined) {
            // A domain added to an account, as the console (AddCdnDomain, AddLiveDomain) would.
            const account = store.accounts.find((a) => a.accessKeyId === accessKeyId);
            if (!isProduct(product)) throw errors.hookInvalidRequest(`"product" must be one of ${PRODUCTS_WITH_DOMAINS.map((p) => `"${p}"`).join(", ")}`);
            if (!account) throw errors.hookInvalidRequest(`"accessKeyId" must name an account of the emulator to add ${JSON.stringify(domainName)} to`);
            domain = store.addDomain(account, domainName.trim(), product, clock.now());
        }
        if (!domain) throw errors.hookInvalidRequest(`no domain ${JSON.stringify(domainName)} in any account (give "product" and "accessKeyId" to add it)`);
        const now = clock.now();
        store.setStatus(domain, domainStatus, now, behaviour.configuringMs());
        store.save();
        return { domainName: domain.domainName, domainStatus: statusAt(domain, now) };
    }

    /**
     * The certificate-service entries of one account (or of every account), without their PEM
     * (`GET /__emulator/cas-certificates[?accessKeyId=]`). As the file holds them now, when several emulators share it.
     */
    casCertificates(accessKeyId?: string): CasSummary[] {
        const store = this.emulator.store;
        store.refresh();
        if (accessKeyId === undefined || accessKeyId === "") return store.accounts.flatMap((account) => casSummary(account));
        const account = store.accounts.find((a) => a.accessKeyId === accessKeyId);
        if (!account) throw errors.hookInvalidRequest(`no account with accessKeyId ${JSON.stringify(accessKeyId)}`);
        return casSummary(account);
    }
}

function parseJson(body: Buffer): unknown {
    try {
        return JSON.parse(body.toString("utf8"));
    } catch {
        throw errors.hookInvalidJson();
    }
}
