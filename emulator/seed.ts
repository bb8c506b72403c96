// The shape of a seed (the accounts, domains and stored certificates the emulated cloud starts with), the embedded
// default account, and the validation that turns an untrusted seed file into that shape with clear messages.
import { policyProblem, type PolicyDocument } from "./ramPolicy";
import { CAS_REGIONS, DEFAULT_CAS_REGION, type CasRegion } from "./casRegions";
import { isProduct, PRODUCTS_WITH_DOMAINS, type Product } from "./domains/record";
import { DOMAIN_STATUSES, isDomainStatus, type DomainStatus } from "./domains/statuses";
import { parseChain } from "./certificates";

/** Any of the eight states; `configuring` starts the domain in a change that ends after the configuring time. */
export type SeedDomainStatus = DomainStatus;

export interface SeedDomain {
    readonly domainName: string;
    readonly product: Product;
    /** Default `online`. Only an online domain takes certificate changes. */
    readonly domainStatus?: SeedDomainStatus;
}

/**
 * A certificate held in Alibaba's certificate service (CAS), which `CertType=cas` deploys by id or by name and the
 * CAS API (2020-04-07) lists, describes and deletes. It becomes a store entry with source `seed`.
 */
export interface SeedCasCertificate {
    /** Numeric (a number or a string of digits), unique within the account. */
    readonly certId: string;
    readonly certName: string;
    /** PEM chain, leaf first. No private key: CAS keeps it; the set call does not need it. */
    readonly certificate: string;
    /** `cn-hangzhou` (default) or `ap-southeast-1`. */
    readonly region?: string;
}

/** Temporary credentials (STS): the access key is accepted only together with its security token. */
export interface SeedStsToken {
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    readonly securityToken: string;
    /** ISO time; after it the token answers `InvalidSecurityToken.Expired`. Default: never expires. */
    readonly expiration?: string;
}

export interface SeedAccount {
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    readonly domains: readonly SeedDomain[];
    readonly casCertificates?: readonly SeedCasCertificate[];
    /**
     * The certificate-service centre the account uses: `cn-hangzhou` (default, cas.aliyuncs.com) or
     * `ap-southeast-1` (an international account, cas.ap-southeast-1.aliyuncs.com). Its CAS calls address that
     * centre, and its uploads and upload-mode sets land there.
     */
    readonly casRegion?: CasRegion;
    readonly stsTokens?: readonly SeedStsToken[];
    /** Limits the account's key pairs to a RAM policy (Allow / Deny statements over actions); default: everything. */
    readonly ramPolicy?: PolicyDocument;
}

export interface Seed {
    readonly accounts: readonly SeedAccount[];
}

/**
 * The embedded account served when no seed is given. Like Azurite's well-known devstoreaccount1 key, this pair is
 * public and obviously not a real credential; the demo stack and tests import it from here.
 */
export const DEFAULT_ACCOUNT = {
    accessKeyId: "LTAIemulatorDemoKey0001",
    accessKeySecret: "emulatorDemoSecretNotARealCredential0001",
    // The demo (`npm start`) puts its DomainCertificate on the first and its DomainCertificateGroup on the last three.
    cdnDomains: ["www.example-cdn.test", "static.example-cdn.test", "img.example-cdn.test", "video.example-cdn.test", "download.example-cdn.test"],
    liveDomains: ["live.example-live.test", "push.example-live.test"],
    dcdnDomains: ["www.example-dcdn.test", "api.example-dcdn.test"],
} as const;

export const DEFAULT_SEED: Seed = {
    accounts: [
        {
            accessKeyId: DEFAULT_ACCOUNT.accessKeyId,
            accessKeySecret: DEFAULT_ACCOUNT.accessKeySecret,
            domains: [
                ...DEFAULT_ACCOUNT.cdnDomains.map((domainName) => ({ domainName, product: "cdn" as const, domainStatus: "online" as const })),
                ...DEFAULT_ACCOUNT.liveDomains.map((domainName) => ({ domainName, product: "live" as const, domainStatus: "online" as const })),
                ...DEFAULT_ACCOUNT.dcdnDomains.map((domainName) => ({ domainName, product: "dcdn" as const, domainStatus: "online" as const })),
            ],
            casCertificates: [],
        },
    ],
};

export class SeedError extends Error {
    constructor(message: string) {
        super(`invalid seed: ${message}`);
        this.name = "SeedError";
    }
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireString(value: unknown, where: string): string {
    if (typeof value !== "string" || value.length === 0) throw new SeedError(`${where} must be a non-empty string`);
    return value;
}

function optionalArray(value: unknown, where: string): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new SeedError(`${where} must be an array`);
    return value;
}

/** Checks an untrusted seed (a parsed seed file) and returns it typed; throws SeedError naming the bad field. */
export function validateSeed(input: unknown): Seed {
    if (!isObject(input) || !Array.isArray(input.accounts)) throw new SeedError(`expected {"accounts": [...]}`);
    const keyIds = new Set<string>();
    const domainNames = new Set<string>();
    const accounts = input.accounts.map((raw, i): SeedAccount => {
        const at = `accounts[${i}]`;
        if (!isObject(raw)) throw new SeedError(`${at} must be an object`);
        const accessKeyId = requireString(raw.accessKeyId, `${at}.accessKeyId`);
        const accessKeySecret = requireString(raw.accessKeySecret, `${at}.accessKeySecret`);
        const claimKey = (id: string, where: string) => {
            if (keyIds.has(id)) throw new SeedError(`${where}: access key ${id} appears twice`);
            keyIds.add(id);
        };
        claimKey(accessKeyId, `${at}.accessKeyId`);
        const domains = optionalArray(raw.domains, `${at}.domains`).map((d, j): SeedDomain => {
            const where = `${at}.domains[${j}]`;
            if (!isObject(d)) throw new SeedError(`${where} must be an object`);
            const domainName = requireString(d.domainName, `${where}.domainName`).toLowerCase();
            // The API names a wildcard domain with a leading dot, and answers "*.example.com" as not found.
            if (domainName.startsWith("*.")) {
                throw new SeedError(
                    `${where}.domainName: a wildcard domain is named as the API names it, with a leading dot: "${domainName.slice(1)}", not "${domainName}"`,
                );
            }
            if (!isProduct(d.product)) throw new SeedError(`${where}.product must be one of ${PRODUCTS_WITH_DOMAINS.map((p) => `"${p}"`).join(", ")}`);
            const domainStatus = d.domainStatus ?? "online";
            if (!isDomainStatus(domainStatus)) {
                throw new SeedError(`${where}.domainStatus must be one of ${DOMAIN_STATUSES.join(", ")}; got ${JSON.stringify(domainStatus)}`);
            }
            // A domain name is globally unique in Alibaba Cloud: it belongs to one account and one product.
            if (domainNames.has(domainName)) throw new SeedError(`${where}: domain ${domainName} appears twice`);
            domainNames.add(domainName);
            return { domainName, product: d.product, domainStatus };
        });
        const casRegion = raw.casRegion === undefined ? DEFAULT_CAS_REGION : raw.casRegion;
        if (!(CAS_REGIONS as readonly unknown[]).includes(casRegion)) {
            throw new SeedError(`${at}.casRegion must be one of ${CAS_REGIONS.join(", ")}; got ${JSON.stringify(casRegion)}`);
        }
        const certIds = new Set<string>();
        const certNames = new Set<string>();
        const casCertificates = optionalArray(raw.casCertificates, `${at}.casCertificates`).map((c, j): SeedCasCertificate => {
            const where = `${at}.casCertificates[${j}]`;
            if (!isObject(c)) throw new SeedError(`${where} must be an object`);
            const region = c.region === undefined ? DEFAULT_CAS_REGION : requireString(c.region, `${where}.region`);
            if (!(CAS_REGIONS as readonly string[]).includes(region))
                throw new SeedError(`${where}.region must be one of ${CAS_REGIONS.join(", ")}; got ${JSON.stringify(region)}`);
            // Alibaba certificate ids are numeric; a seed may give them as a number or a string.
            const certId = requireString(typeof c.certId === "number" ? String(c.certId) : c.certId, `${where}.certId`);
            if (!/^\d+$/.test(certId))
                throw new SeedError(`${where}.certId must be a whole number (CertId is a number on the wire); got ${JSON.stringify(certId)}`);
            if (certIds.has(certId)) throw new SeedError(`${where}: certId ${certId} appears twice in the account`);
            certIds.add(certId);
            const certName = requireString(c.certName, `${where}.certName`);
            // Names are unique within a centre, as the service keeps them (NameRepeat).
            if (certNames.has(`${region}\n${certName}`)) throw new SeedError(`${where}: certName ${JSON.stringify(certName)} appears twice in ${region}`);
            certNames.add(`${region}\n${certName}`);
            const certificate = requireString(c.certificate, `${where}.certificate`);
            if (!parseChain(certificate)) throw new SeedError(`${where}.certificate must be a PEM certificate chain, leaf first`);
            return { certId, certName, certificate, region };
        });
        const stsTokens = optionalArray(raw.stsTokens, `${at}.stsTokens`).map((t, j): SeedStsToken => {
            const where = `${at}.stsTokens[${j}]`;
            if (!isObject(t)) throw new SeedError(`${where} must be an object`);
            const id = requireString(t.accessKeyId, `${where}.accessKeyId`);
            claimKey(id, `${where}.accessKeyId`);
            const expiration = t.expiration === undefined ? undefined : requireString(t.expiration, `${where}.expiration`);
            if (expiration !== undefined && Number.isNaN(Date.parse(expiration))) throw new SeedError(`${where}.expiration is not a date`);
            return {
                accessKeyId: id,
                accessKeySecret: requireString(t.accessKeySecret, `${where}.accessKeySecret`),
                securityToken: requireString(t.securityToken, `${where}.securityToken`),
                ...(expiration === undefined ? {} : { expiration }),
            };
        });
        let ramPolicy: PolicyDocument | undefined;
        if (raw.ramPolicy !== undefined) {
            const problem = policyProblem(raw.ramPolicy);
            if (problem) throw new SeedError(`${at}.ramPolicy ${problem}`);
            ramPolicy = raw.ramPolicy as PolicyDocument;
        }
        return { accessKeyId, accessKeySecret, domains, casCertificates, casRegion: casRegion as CasRegion, stsTokens, ...(ramPolicy ? { ramPolicy } : {}) };
    });
    return { accounts };
}
