// `check`: every input that is known is validated here, locally, so that `pulumi preview` on a pull request fails
// before anything is called. Failures name the property and say how to fix it; none quotes key material.
import { quoteGiven } from "../certificate/quote";
import type { CheckFailure, CheckResult } from "@pulumi/pulumi/dynamic";
import type { CertType, ProductSpec } from "../products";
import {
    CertificateInputError,
    certNameProblem,
    coversDomain,
    defaultCertName,
    keyMatchesCertificate,
    keyStrengthProblem,
    normalizeDomainName,
    parseCertificateChain,
    parsePrivateKey,
    validityProblem,
    type ParsedChain,
    type ParsedKey,
} from "../certificate";
import { CAS_REGIONS, DEFAULT_CAS_REGION, DEFAULT_CONFIRM_TIMEOUT_SECONDS, isUnknown, type CertificateInputs } from "./model";

type Raw = Record<string, unknown>;

const STATUSES = ["on", "off"] as const;

/** Keys the lifecycle writes (outputs.ts, storedCertificates.ts), never inputs a program may set. */
const INTERNAL_KEYS = ["storedCertificate", "pendingCleanup"] as const;

/** Validate and normalize the user's inputs. Pure but for `now`, which decides expiry. */
export function checkInputs(product: ProductSpec, news: Raw, now: Date = new Date()): CheckResult<CertificateInputs> {
    const failures: CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    // Unknown values (preview, before an upstream resource exists) pass through and are validated on apply.
    const inputs: Raw = { ...news };

    const domainName = normalizeField(news.domainName, "domainName", fail, (v) => normalizeDomainName(requireString(v)));
    if (domainName !== undefined) inputs.domainName = domainName;

    const status = enumField(news.status, "status", STATUSES, "on", fail);
    if (status !== undefined) inputs.status = status;

    const certType = enumField(news.certType, "certType", product.certTypes, "upload", fail);
    if (certType !== undefined) inputs.certType = certType;

    inputs.forceSet = booleanField(news.forceSet, "forceSet", false, fail);
    inputs.keepReplacedCertificates = booleanField(news.keepReplacedCertificates, "keepReplacedCertificates", false, fail);
    // What the lifecycle records about the certificate service is its own: never taken from a program.
    for (const internal of INTERNAL_KEYS) delete inputs[internal];
    inputs.confirmTimeoutSeconds = positiveNumberField(news.confirmTimeoutSeconds, "confirmTimeoutSeconds", DEFAULT_CONFIRM_TIMEOUT_SECONDS, fail);

    // The certificate and key: parsed when given, required when HTTPS goes on with an uploaded certificate.
    const chain = normalizeField(news.certificate, "certificate", fail, (v) => parseCertificateChain(requireString(v)));
    const key = normalizeField(news.privateKey, "privateKey", fail, (v) => parsePrivateKey(requireString(v)));
    if (chain) {
        inputs.certificate = chain.pem;
        inputs.fingerprint = chain.info.fingerprint;
        inputs.notAfter = chain.info.notAfter;
        checkCertificate(chain, now, fail);
    } else {
        delete inputs.fingerprint;
        delete inputs.notAfter;
    }
    if (key) {
        inputs.privateKey = key.pem;
        if (chain && !keyMatchesCertificate(key, chain)) {
            fail(
                "privateKey",
                `the private key does not belong to the certificate (fingerprint ${chain.info.fingerprint}); ` +
                    "supply the key that was generated with this certificate's signing request",
            );
        }
    }
    if (chain && typeof domainName === "string" && !coversDomain(chain.info.dnsNames, domainName)) {
        fail(
            "certificate",
            `the certificate does not cover ${domainName}: its names are ${listNames(chain.info.dnsNames)}; ` +
                `issue one whose subjectAltName includes ${domainName} (a wildcard covers exactly one label)`,
        );
    }

    checkCertTypeRequirements(product, news, { status, certType, chain, key }, inputs, fail);

    const certName = news.certName;
    if (certName === undefined || certName === null || certName === "") {
        // A name derived from the certificate, so that a renewal never collides with the old certificate's name.
        if (chain) inputs.certName = defaultCertName(chain.info);
        else delete inputs.certName;
    } else if (!isUnknown(certName)) {
        if (typeof certName !== "string") fail("certName", "must be a string");
        else {
            const problem = certNameProblem(certName);
            if (problem) fail("certName", problem);
        }
    }

    return failures.length > 0 ? { inputs: inputs as unknown as CertificateInputs, failures } : { inputs: inputs as unknown as CertificateInputs };
}

function checkCertificate(chain: ParsedChain, now: Date, fail: (p: string, r: string) => void): void {
    const validity = validityProblem(chain.info, now);
    if (validity) fail("certificate", validity);
    const strength = keyStrengthProblem(chain.info);
    if (strength) fail("certificate", strength);
}

function checkCertTypeRequirements(
    product: ProductSpec,
    news: Raw,
    known: { status?: string; certType?: CertType; chain?: ParsedChain; key?: ParsedKey },
    inputs: Raw,
    fail: (p: string, r: string) => void,
): void {
    const { status, certType } = known;
    const given = (name: string) => news[name] !== undefined && news[name] !== null && news[name] !== "";
    if (certType === "upload") {
        if (status === "on") {
            if (!given("certificate")) fail("certificate", `required when status is "on": the PEM certificate chain, leaf first`);
            if (!given("privateKey")) fail("privateKey", `required when status is "on": the PEM private key of the certificate (pass it as a secret)`);
        }
        if (given("certId")) fail("certId", `only used with certType "cas"; remove it or set certType: "cas"`);
        // The certificate is uploaded to the account's certificate service, in this region (international accounts:
        // ap-southeast-1), and deployed from there.
        checkCertRegion(news, inputs, given, fail);
        return;
    }
    if (certType === "cas") {
        if (status === "on" && !given("certId"))
            fail("certId", `required with certType "cas": the id of the certificate in Alibaba Cloud's certificate service`);
        if (given("certId") && !isUnknown(news.certId)) {
            const certId = certIdFrom(news.certId, fail);
            if (certId !== undefined) inputs.certId = certId;
        }
        checkCertRegion(news, inputs, given, fail);
    }
    if (certType === "cas" || certType === "free") {
        // The cloud supplies the certificate for these types: an uploaded one would be silently ignored.
        for (const name of ["certificate", "privateKey"]) {
            if (given(name))
                fail(name, `not used with certType "${certType}" (${product.displayName} supplies the certificate); remove it or set certType: "upload"`);
        }
        if (certType === "free") {
            for (const name of ["certId", "certRegion"]) {
                if (given(name)) fail(name, `only used with certType "cas"; remove it`);
            }
        }
    }
}

/** `certRegion`: the certificate service's centre, cn-hangzhou unless given. */
function checkCertRegion(news: Raw, inputs: Raw, given: (name: string) => boolean, fail: (p: string, r: string) => void): void {
    const region = news.certRegion;
    if (!given("certRegion")) inputs.certRegion = DEFAULT_CAS_REGION;
    else if (!isUnknown(region) && !(CAS_REGIONS as readonly unknown[]).includes(region))
        fail("certRegion", `must be one of ${CAS_REGIONS.join(", ")} (the certificate service's centre: ap-southeast-1 for international accounts)`);
}

/**
 * `certId` is a number on the wire (SetCdnDomainSSLCertificateRequest.certId?: number in cdn20180510 5.0.0): the
 * certificate's id in the certificate service, a positive whole number. Certificate Management Service also shows
 * ids as `<id>-<region>` (its CertIdentifier, e.g. 8089870-cn-hangzhou), which CDN does not take.
 */
function certIdFrom(value: unknown, fail: (p: string, r: string) => void): string | undefined {
    const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : undefined;
    if (text !== undefined && /^[1-9]\d{0,18}$/.test(text)) return text;
    const identifier = text === undefined ? null : /^([1-9]\d*)-([a-z]{2}(?:-[a-z0-9]+)+)$/.exec(text);
    if (identifier) {
        fail(
            "certId",
            `${quoteGiven(text)} is a certificate identifier (id and region); CDN takes them apart: ` +
                `certId: "${identifier[1]}" and certRegion: "${identifier[2]}"`,
        );
        return undefined;
    }
    fail("certId", `must be the certificate's numeric id in the certificate service (a positive whole number such as 8089870); got ${quoteGiven(value)}`);
    return undefined;
}

function listNames(names: readonly string[]): string {
    return names.length === 0 ? "(none: the certificate has no subjectAltName DNS entries)" : names.join(", ");
}

function requireString(value: unknown): string {
    if (typeof value !== "string") throw new CertificateInputError("must be a string");
    return value;
}

/** Run a normalizer on a known, present value, turning its CertificateInputError into a failure. */
function normalizeField<T>(value: unknown, property: string, fail: (p: string, r: string) => void, normalize: (v: unknown) => T): T | undefined {
    if (value === undefined || value === null || value === "" || isUnknown(value)) return undefined;
    try {
        return normalize(value);
    } catch (e) {
        if (e instanceof CertificateInputError) {
            fail(property, e.reason);
            return undefined;
        }
        throw e;
    }
}

function enumField<T extends string>(
    value: unknown,
    property: string,
    allowed: readonly T[],
    fallback: T,
    fail: (p: string, r: string) => void,
): T | undefined {
    if (value === undefined || value === null || value === "") return fallback;
    if (isUnknown(value)) return undefined;
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
    fail(property, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}; got ${quoteGiven(value)}`);
    return undefined;
}

function booleanField(value: unknown, property: string, fallback: boolean, fail: (p: string, r: string) => void): boolean {
    if (value === undefined || value === null || isUnknown(value)) return fallback;
    if (typeof value === "boolean") return value;
    fail(property, `must be true or false; got ${quoteGiven(value)}`);
    return fallback;
}

function positiveNumberField(value: unknown, property: string, fallback: number, fail: (p: string, r: string) => void): number {
    if (value === undefined || value === null || isUnknown(value)) return fallback;
    if (typeof value === "number" && Number.isFinite(value) && value > 0) return value;
    fail(property, `must be a positive number of seconds; got ${quoteGiven(value)}`);
    return fallback;
}
