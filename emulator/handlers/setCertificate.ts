// One implementation of the set actions (SetCdnDomainSSLCertificate, SetDomainServerCertificate,
// BatchSetCdnDomainServerCertificate, SetLiveDomainCertificate, SetDcdnDomainSSLCertificate,
// BatchSetDcdnDomainCertificate). Their differences come from the product table (actions.ts).
//
// Checks run in the order a caller can fix them: the request's own parameters, then the domains, then the
// certificate content. Nothing is changed until every check passed, so a batch is all or nothing.
import { CAS_REGIONS, type CasRegion } from "../casRegions";
import { statusAt } from "../domains/lifecycle";
import type { CertType, CertificateConfig, CertificateStatus, DomainRecord } from "../domains/record";
import * as errors from "../errors";
import type { CasCertificateRecord } from "../persistence/model";
import { CERT_NAME_MAX_LENGTH, DOMAIN_NOT_FOUND, MAX_CERTIFICATE_BYTES, MAX_PRIVATE_KEY_BYTES, refusalFor, type SetSpec } from "./actions";
import { factsOf, fingerprintOfLeaf, keyMatches, parseChain, parsePrivateKey } from "../certificates";
import { certIdParameter, commitPlacement, findById, findByName, place, type Placement } from "./casStore";
import { domainProduct, type HandlerContext, type ResponseBody } from "./context";
import { issueFreeCertificate } from "./freeCertificate";

/** The domain names a set call addresses (also what the request log records). */
export function requestedDomains(params: ReadonlyMap<string, string>, batch: boolean): string[] {
    const raw = params.get("DomainName")?.trim() ?? "";
    if (raw === "") return [];
    if (!batch) return [raw.toLowerCase()];
    return [
        ...new Set(
            raw
                .split(",")
                .map((d) => d.trim().toLowerCase())
                .filter((d) => d !== ""),
        ),
    ];
}

function resolveDomains(ctx: HandlerContext, set: SetSpec): DomainRecord[] {
    const names = requestedDomains(ctx.params, set.batch);
    if (names.length === 0) throw errors.missingParameter("DomainName");
    const limit = set.batchLimit ?? ctx.batchLimit;
    if (set.batch && names.length > limit) throw errors.domainNameOverLimit(limit);
    return names.map((name) => {
        const domain = ctx.store.findDomain(ctx.account, name);
        // A domain of another product is not found by this product's API.
        if (!domain || domain.product !== ctx.spec.product) throw DOMAIN_NOT_FOUND[domainProduct(ctx)]();
        return domain;
    });
}

/** Only an online domain takes a change; each other state has its own refusal (domains/statuses.ts, actions.ts). */
function checkDomainsAcceptChange(ctx: HandlerContext, set: SetSpec, domains: readonly DomainRecord[]): void {
    const now = ctx.now();
    const states = domains.map((domain) => statusAt(domain, now));
    // A state that no retry fixes is reported before a busy one, as a batch names its worst domain.
    const refused = states.find((status) => status !== "online" && status !== "configuring") ?? states.find((status) => status === "configuring");
    if (refused !== undefined) throw refusalFor(refused as Exclude<typeof refused, "online">, set.vocabulary);
}

function checkCertName(set: SetSpec, certName: string | undefined): void {
    if (certName !== undefined && certName.length > CERT_NAME_MAX_LENGTH) throw set.vocabulary.certNameTooLong();
}

/** What the call would deploy, and what it does to the certificate service or Live's names once every check passed. */
interface Change {
    readonly config: CertificateConfig;
    /** An upload that goes to the certificate service: the entry it adds, reuses or overwrites. */
    readonly placement?: Placement;
    /** An upload on Live kept apart from the certificate service (liveUploadToCas off): the name it registers. */
    readonly liveName?: { readonly name: string; readonly fingerprint: string };
}

function uploadChange(ctx: HandlerContext, set: SetSpec, certName: string | undefined, updatedAt: string): Change {
    const vocabulary = set.vocabulary;
    const certificateText = ctx.params.get(set.params.certificate) ?? "";
    const keyText = ctx.params.get(set.params.privateKey) ?? "";
    if (certificateText.trim() === "") throw vocabulary.certificateMissing();
    if (keyText.trim() === "") throw vocabulary.privateKeyMissing();
    if (Buffer.byteLength(certificateText) > MAX_CERTIFICATE_BYTES || Buffer.byteLength(keyText) > MAX_PRIVATE_KEY_BYTES) {
        throw vocabulary.certificateTooLong();
    }
    const chain = parseChain(certificateText);
    if (!chain) throw vocabulary.invalidCertificate();
    const key = parsePrivateKey(keyText);
    if (!key) throw vocabulary.invalidPrivateKey();
    const leaf = chain.certificates[0]!;
    if (!keyMatches(leaf, key)) throw vocabulary.mismatch();
    if (Date.parse(leaf.validTo) <= ctx.now()) throw vocabulary.certificateExpired();
    if (certName === undefined || certName === "") throw errors.certNameMissing();
    const fingerprint = fingerprintOfLeaf(leaf);
    const forceSet = set.honoursForceSet && ctx.params.get("ForceSet") === "1";
    const config: CertificateConfig = { status: "on", certName, certType: "upload", pem: chain.pem, updatedAt };
    if (ctx.spec.product === "live" && !ctx.behaviour.cas.liveUploadToCas) {
        // Live's own names, apart from the certificate service (the rule before the service was modelled).
        const registered = ctx.account.liveCertificateNames[certName];
        if (registered !== undefined && registered !== fingerprint && !forceSet) throw vocabulary.certificateDuplicated();
        return { config, liveName: { name: certName, fingerprint } };
    }
    // The certificate goes into the account's certificate service under its CertName (casStore.ts).
    const placement = place(ctx.account, ctx.behaviour.cas, {
        name: certName,
        pem: chain.pem,
        fingerprint,
        source: `${domainProduct(ctx)}-set`,
        forceSet,
        nameTaken: vocabulary.certificateDuplicated,
        now: ctx.now(),
    });
    return { config: { ...config, casCertId: placement.entry.certId }, placement };
}

function casRegionParameter(ctx: HandlerContext, name: string): CasRegion | undefined {
    const region = ctx.params.get(name)?.trim();
    if (!region) return undefined;
    if (!(CAS_REGIONS as readonly string[]).includes(region)) throw errors.invalidParameter(name);
    return region as CasRegion;
}

function findCas(ctx: HandlerContext, set: SetSpec, certName: string | undefined): CasCertificateRecord {
    const account = ctx.account;
    if (set.casBy === "certId") {
        // CertId is a Long on the wire (certId?: number in cdn20180510 5.0.0): the gateway refuses anything else.
        const certId = certIdParameter(ctx.params.get("CertId"));
        const found = findById(account, casRegionParameter(ctx, "CertRegion") ?? "cn-hangzhou", certId);
        if (!found) throw set.vocabulary.certificateNotFind();
        return found;
    }
    if (!certName) throw errors.certNameMissing();
    // The batch action's Region names the centre; otherwise the account's own.
    const region = (set.batch ? casRegionParameter(ctx, "Region") : undefined) ?? account.casRegion;
    const found = findByName(account, region, certName);
    if (!found) throw set.vocabulary.certificateNotFind();
    // Live has no CertId parameter; certd and dnsmgr send one beside the name. It must be the named entry's.
    const sentId = set.checksCertIdBesideName ? ctx.params.get("CertId")?.trim() : undefined;
    if (sentId && certIdParameter(sentId) !== found.certId) throw errors.invalidParameter("CertId");
    return found;
}

function casChange(ctx: HandlerContext, set: SetSpec, certName: string | undefined, updatedAt: string): Change {
    const cas = findCas(ctx, set, certName);
    const facts = factsOf(cas.pem);
    if (!facts) throw set.vocabulary.certificateNotFind();
    if (facts.notAfter.getTime() <= ctx.now()) throw set.vocabulary.certificateExpired();
    return {
        config: {
            status: "on",
            certName: cas.certName,
            certType: "cas",
            certId: cas.certId,
            certRegion: cas.region,
            pem: parseChain(cas.pem)!.pem,
            updatedAt,
            casCertId: cas.certId,
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
    if (!set.certTypes.includes(certType)) throw vocabulary.parameterError();
    const certName = ctx.params.get("CertName") || undefined;
    checkCertName(set, certName);

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
        // Issued now, shown only once the issuance time has passed (domains/lifecycle.ts settle, describe.ts).
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
    if (change.placement) commitPlacement(ctx.store, ctx.account, change.placement);
    if (change.liveName) ctx.store.reserveLiveName(ctx.account, change.liveName.name, change.liveName.fingerprint);
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
