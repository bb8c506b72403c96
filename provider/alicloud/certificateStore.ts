// The adapter of the account's certificate service (CAS, API 2020-04-07): the CertificateStore port over the same
// caller every product uses (pacing per account and action, retries, typed errors), with the action and field names
// of the spec in ../products.ts. One adapter per region: the two centres are separate stores with separate id spaces.
import { canonicalSerial, fingerprintsAsWritten, parseCertificateChain } from "../certificate";
import type { CertificateStore, StoredCertificate } from "../lifecycle/port";
import { ApiCaller, type ClientSettings } from "./caller";
import { AlicloudApiError } from "../apiErrors";
import { CERTIFICATE_STORE, type CertRegion } from "../products";
import { valueAt, type JsonObject } from "./wire";

/** Listing pages followed at most: 100 000 certificates; a listing that never ends is an API fault, not a loop. */
const MAX_PAGES = 2000;

export class CertificateStoreAdapter implements CertificateStore {
    private readonly caller: ApiCaller;

    constructor(
        readonly region: CertRegion,
        private readonly settings: ClientSettings,
    ) {
        this.caller = new ApiCaller(CERTIFICATE_STORE, settings);
    }

    /** The account at this endpoint: its access key id, and where the service is (one store per endpoint and account). */
    async owner(): Promise<string> {
        return `${this.settings.endpoint.host}|${(await this.settings.credentials.identity()).accessKeyId}`;
    }

    async find(keyword: string): Promise<StoredCertificate[]> {
        const spec = CERTIFICATE_STORE;
        const wire = spec.wire.list;
        const found: StoredCertificate[] = [];
        for (let page = 1; page <= MAX_PAGES; page++) {
            const body = await this.caller.callRpc(
                { action: spec.list, domainNames: [] },
                { OrderType: spec.listOrderType, ...(keyword === "" ? {} : { Keyword: keyword }), ShowSize: String(spec.pageSize), CurrentPage: String(page) },
            );
            const items = valueAt(body, [wire.items]);
            const list = Array.isArray(items) ? (items as JsonObject[]) : [];
            for (const item of list) {
                const stored = this.storedFrom(item, wire.certId, wire.name, wire.sha2, wire.serialNo);
                if (stored) found.push(stored);
            }
            const total = Number(valueAt(body, [wire.totalCount]));
            // The last page: a short one, or the total reached (a full last page is followed by an empty one otherwise).
            if (list.length < spec.pageSize || (Number.isFinite(total) && page * spec.pageSize >= total)) break;
        }
        return found;
    }

    async get(certId: string): Promise<(StoredCertificate & { readonly certificatePem?: string }) | undefined> {
        const wire = CERTIFICATE_STORE.wire.detail;
        let body: JsonObject;
        try {
            body = await this.caller.callRpc({ action: CERTIFICATE_STORE.detail, domainNames: [] }, { CertId: certId, CertFilter: "false" });
        } catch (error) {
            if (isNotFound(error)) return undefined;
            throw error;
        }
        const stored = this.storedFrom(body, wire.certId, wire.name, wire.sha2, wire.serialNo);
        if (!stored) return undefined;
        const pem = typeof body[wire.certificatePem] === "string" ? (body[wire.certificatePem] as string) : undefined;
        // The detail carries the certificate: its leaf's fingerprint is known for certain, whatever Sha2 hashes.
        const fingerprint = pem ? (leafFingerprint(pem) ?? stored.fingerprint) : stored.fingerprint;
        return { ...stored, ...(fingerprint ? { fingerprint } : {}), ...(pem ? { certificatePem: pem } : {}) };
    }

    async upload(name: string, certificatePem: string, privateKeyPem: string): Promise<StoredCertificate> {
        const body = await this.caller.callRpc(
            // A change: an answer lost after sending is not sent again here (the lifecycle looks the name up first).
            { action: CERTIFICATE_STORE.upload, domainNames: [], sensitiveValues: [privateKeyPem, certificatePem], changes: true },
            { Name: name, Cert: certificatePem, Key: privateKeyPem },
        );
        const certId = idText(body[CERTIFICATE_STORE.wire.upload.certId]);
        if (certId === undefined) {
            throw new AlicloudApiError({
                action: CERTIFICATE_STORE.upload.name,
                actionKind: "set",
                domainNames: [],
                code: "InvalidResponse",
                apiMessage: "the answer has no CertId",
            });
        }
        const fingerprint = leafFingerprint(certificatePem);
        return { certId, name, region: this.region, ...(fingerprint ? { fingerprint } : {}) };
    }

    async remove(certId: string): Promise<"removed" | "gone"> {
        try {
            await this.caller.callRpc({ action: CERTIFICATE_STORE.remove, domainNames: [], changes: true }, { CertId: certId });
            return "removed";
        } catch (error) {
            if (isNotFound(error)) return "gone";
            throw error;
        }
    }

    private storedFrom(item: JsonObject, idField: string, nameField: string, sha2Field: string, serialField: string): StoredCertificate | undefined {
        const certId = idText(item[idField]);
        const name = item[nameField];
        if (certId === undefined || typeof name !== "string") return undefined;
        const sha2 = item[sha2Field];
        const serial = item[serialField];
        return {
            certId,
            name,
            region: this.region,
            ...(typeof sha2 === "string" && /^[0-9a-f]{64}$/i.test(sha2) ? { fingerprint: sha2.toLowerCase() } : {}),
            ...(typeof serial === "string" && serial !== "" ? { serialNumber: canonicalSerial(serial) } : {}),
        };
    }
}

/** The API's id, a number on the wire, as text; anything else is none. */
function idText(value: unknown): string | undefined {
    if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return String(value);
    if (typeof value === "string" && /^[1-9]\d*$/.test(value)) return value;
    return undefined;
}

/**
 * "No such certificate": Terraform's alicloud provider takes code NotFound (and its Forbidden.InstanceNotFound and
 * Instance.Notfound relatives, and a 404) as gone for the certificate service (errors.go NotFoundError).
 */
function isNotFound(error: unknown): boolean {
    if (!(error instanceof AlicloudApiError)) return false;
    return /^NotFound|NotFound$|\.Notfound$|NotExist/i.test(error.code) || error.statusCode === 404;
}

/** The leaf's fingerprint of a chain the service holds: the first block as written, else the parsed leaf. */
function leafFingerprint(pem: string): string | undefined {
    const written = fingerprintsAsWritten(pem)?.fingerprint;
    if (written !== undefined) return written;
    try {
        return parseCertificateChain(pem).info.fingerprint;
    } catch {
        return undefined;
    }
}
