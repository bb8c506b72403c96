// One implementation of the four set actions (SetCdnDomainSSLCertificate, SetDomainServerCertificate,
// BatchSetCdnDomainServerCertificate, SetLiveDomainCertificate). Their differences come from the product table.
//
// Checks run in the order a caller can fix them: the request's own parameters, then the domains, then the
// certificate content. Nothing is changed until every check passed, so a batch is all or nothing.
import * as errors from "../errors";
import type { AccountRecord, CasCertificateRecord, CertType, CertificateConfig, CertificateStatus, DomainRecord } from "../persistence/model";
import { CAS_REGIONS, CERT_NAME_MAX_LENGTH, MAX_CERTIFICATE_BYTES, MAX_PRIVATE_KEY_BYTES, refusalFor, type SetSpec } from "./actions";
import { factsOf, fingerprintOfLeaf, keyMatches, parseChain, parsePrivateKey } from "./certificates";
import type { HandlerContext, ResponseBody } from "./context";
import { issueFreeCertificate } from "./freeCertificate";

/** The domain names a set call addresses (also what the request log records). */
export function requestedDomains(params: ReadonlyMap<string, string>, batch: boolean): string[] {
    const raw = params.get("DomainName")?.trim() ?? "";
    if (raw === "") return [];
    if (!batch) return [raw.toLowerCase()];
    return [...new Set(raw.split(",").map((d) => d.trim().toLowerCase()).filter((d) => d !== ""))];
}

function resolveDomains(ctx: HandlerContext, set: SetSpec): DomainRecord[] {
    const names = requestedDomains(ctx.params, set.batch);
    if (names.length === 0) throw errors.missingParameter("DomainName");
    if (set.batch && names.length > ctx.batchLimit) throw errors.domainNameOverLimit(ctx.batchLimit);
    return names.map((name) => {
        const domain = ctx.store.findDomain(ctx.account, name);
        // A domain of the other product is not found by this product's API.
        if (!domain || domain.product !== ctx.spec.product) throw errors.invalidDomainNotFound();
        return domain;
    });
}

/** Only an online domain takes a change; each other state has its own refusal (domainStates.ts, actions.ts). */
function checkDomainsAcceptChange(ctx: HandlerContext, set: SetSpec, domains: readonly DomainRecord[]): void {
    const now = ctx.now();
    const states = domains.map((domain) => ctx.store.statusOf(domain, now));
    // A state that no retry fixes is reported before a busy one, as a batch names its worst domain.
    const refused = states.find((status) => status !== "online" && status !== "configuring") ?? states.find((status) => status === "configuring");
    if (refused !== undefined) throw refusalFor(refused as Exclude<typeof refused, "online">, set.vocabulary);
}

function checkCertName(certName: string | undefined): void {
    if (certName !== undefined && certName.length > CERT_NAME_MAX_LENGTH) throw errors.certNameTooLong();
}

/** What the call would deploy, plus the name it registers (uploads only). */
interface Change {
    readonly config: CertificateConfig;
    readonly registersName?: { readonly name: string; readonly fingerprint: string };
}

function uploadChange(ctx: HandlerContext, set: SetSpec, certName: string | undefined, updatedAt: string): Change {
    const vocabulary = set.vocabulary;
    const certificateText = ctx.params.get(set.params.certificate) ?? "";
    const keyText = ctx.params.get(set.params.privateKey) ?? "";
    if (certificateText.trim() === "") throw vocabulary.certificateMissing();
    if (keyText.trim() === "") throw vocabulary.privateKeyMissing();
    if (Buffer.byteLength(certificateText) > MAX_CERTIFICATE_BYTES || Buffer.byteLength(keyText) > MAX_PRIVATE_KEY_BYTES) {
        throw errors.certificateTooLong();
    }
    const chain = parseChain(certificateText);
    if (!chain) throw vocabulary.invalidCertificate();
    const key = parsePrivateKey(keyText);
    if (!key) throw vocabulary.invalidPrivateKey();
    const leaf = chain.certificates[0]!;
    if (!keyMatches(leaf, key)) throw errors.certificateMissMatch(vocabulary.mismatchMessage);
    if (Date.parse(leaf.validTo) <= ctx.now()) throw errors.certificateExpired();
    if (certName === undefined || certName === "") throw errors.certNameMissing();
    const fingerprint = fingerprintOfLeaf(leaf);
    const registered = ctx.account.certificateNames[certName];
    const forceSet = set.honoursForceSet && ctx.params.get("ForceSet") === "1";
    if (registered !== undefined && registered !== fingerprint && !forceSet) throw errors.certificateDuplicated();
    return {
        config: { status: "on", certName, certType: "upload", pem: chain.pem, updatedAt },
        registersName: { name: certName, fingerprint },
    };
}

function findCas(ctx: HandlerContext, set: SetSpec, certName: string | undefined): CasCertificateRecord {
    const account: AccountRecord = ctx.account;
    if (set.casBy === "certId") {
        const certId = ctx.params.get("CertId")?.trim();
        if (!certId) throw errors.missingParameter("CertId");
        // CertId is a Long on the wire (certId?: number in cdn20180510 5.0.0): the gateway refuses anything else.
        if (!/^\d+$/.test(certId)) throw errors.malformedNumber("CertId");
        const region = ctx.params.get("CertRegion")?.trim() || "cn-hangzhou";
        if (!(CAS_REGIONS as readonly string[]).includes(region)) throw errors.invalidParameter("CertRegion");
        const found = account.casCertificates.find((c) => c.certId === certId && c.region === region);
        if (!found) throw errors.certificateNotFind();
        return found;
    }
    if (!certName) throw errors.certNameMissing();
    const found = account.casCertificates.find((c) => c.certName === certName);
    if (!found) throw errors.certificateNotFind();
    return found;
}

function casChange(ctx: HandlerContext, set: SetSpec, certName: string | undefined, updatedAt: string): Change {
    const cas = findCas(ctx, set, certName);
    const facts = factsOf(cas.pem);
    if (!facts) throw errors.certificateNotFind();
    if (facts.notAfter.getTime() <= ctx.now()) throw errors.certificateExpired();
    return {
        config: {
            status: "on",
            certName: cas.certName,
            certType: "cas",
            certId: cas.certId,
            certRegion: cas.region,
            pem: parseChain(cas.pem)!.pem,
            updatedAt,
        },
    };
}

export async function setCertificate(ctx: HandlerContext): Promise<ResponseBody> {
    const set = ctx.spec.set!;
    const vocabulary = set.vocabulary;

    // The request's own parameters.
    const domainsRequested = requestedDomains(ctx.params, set.batch);
    if (domainsRequested.length === 0) throw errors.missingParameter("DomainName");
    const status = ctx.params.get(set.params.status);
    if (status === undefined || status === "") throw errors.missingParameter(set.params.status);
    if (status !== "on" && status !== "off") throw vocabulary.statusValueNotSupported();
    const certType = (ctx.params.get("CertType") || "upload") as CertType;
    if (!set.certTypes.includes(certType)) throw errors.parameterError(vocabulary.parameterErrorCode);
    const certName = ctx.params.get("CertName") || undefined;
    checkCertName(certName);

    // The domains.
    const domains = resolveDomains(ctx, set);
    checkDomainsAcceptChange(ctx, set, domains);

    // The certificate.
    const updatedAt = new Date(ctx.now()).toISOString();
    let change: Change;
    if (status === "off") {
        change = { config: { status: "off", updatedAt } };
    } else if (certType === "cas") {
        change = casChange(ctx, set, certName, updatedAt);
    } else if (certType === "free") {
        // Issued now, shown only once the issuance time has passed (Store.settle, describe.ts).
        const pem = await issueFreeCertificate(domains[0]!.domainName);
        change = { config: { status: "on", certName: certName ?? `free-${domains[0]!.domainName}`, certType: "free", pem, updatedAt } };
        // Issuing took a moment: another call may have started configuring the domain meanwhile.
        checkDomainsAcceptChange(ctx, set, resolveDomains(ctx, set));
    } else {
        change = uploadChange(ctx, set, certName, updatedAt);
    }

    // Commit, all domains at once.
    const now = ctx.now();
    const free = change.config.certType === "free" && change.config.status === "on";
    for (const domain of resolveDomains(ctx, set)) {
        ctx.store.stage(domain, change.config, now, {
            configuringMs: ctx.behaviour.configuringMs(),
            ...(ctx.outcome?.endsIn ? { endsIn: ctx.outcome.endsIn } : {}),
            ...(free ? { issue: { durationMs: ctx.behaviour.freeIssueMs, outcome: ctx.outcome?.freeIssue ?? freeIssueOutcome(domain.domainName) } } : {}),
        });
    }
    if (change.registersName) ctx.account.certificateNames[change.registersName.name] = change.registersName.fingerprint;
    ctx.store.save();
    return {};
}

/**
 * How a free certificate's application ends on its own: `unsupport_wildcard` on a wildcard domain (".example.com"),
 * whose documented meaning is that free certificates do not cover wildcard domains (CertInfo.Status in
 * @alicloud/cdn20180510 5.0.0), else `success`.
 */
function freeIssueOutcome(domainName: string): CertificateStatus {
    return domainName.startsWith(".") ? "unsupport_wildcard" : "success";
}
