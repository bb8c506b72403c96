// The certificate service's API (CAS 2020-04-07): UploadUserCertificate, GetUserCertificateDetail,
// ListUserCertificateOrder, DeleteUserCertificate and GetCertWarehouseQuota, on the account's store (casStore.ts).
//
// Each call addresses the account's centre (its casRegion): the real service has two isolated centres
// (cas.aliyuncs.com for cn-hangzhou, cas.ap-southeast-1.aliyuncs.com) with separate id spaces, and one emulator
// port cannot tell which one a call meant, so the account says which centre it uses.
//
// The bodies use the PascalCase names of the SDK's models (@alicloud/cas20200407 3.0.0 names()): numbers as JSON
// numbers, lists always JSON arrays (the typed client refuses anything else). Never a private key: the store has
// none (GetUserCertificateDetail's Key, EncryptPrivateKey and SignPrivateKey are never answered).
import * as errors from "../errors";
import type { CasCertificateRecord } from "../persistence/model";
import { casFactsOf, keyMatches, parseChain, parsePrivateKey, type CasFacts } from "../certificates";
import { certIdParameter, commitPlacement, entriesIn, findById, instanceIdOf, isInUse, leafFingerprintOf, place } from "./casStore";
import { integerParameter, type HandlerContext, type ResponseBody } from "./context";

/** UploadUserCertificate's Name: "up to 64 characters" (the SDK 3.0.0 doc comment). Longer is refused (POLICY). */
export const CAS_NAME_MAX_LENGTH = 64;
/** ListUserCertificateOrder's ShowSize: default 50 (the SDK); at most 100 (POLICY: no source gives a maximum). */
export const DEFAULT_SHOW_SIZE = 50;
export const MAX_SHOW_SIZE = 100;
/** A certificate within this many days of its NotAfter is WILLEXPIRED (POLICY: the docs give no number). */
export const WILL_EXPIRE_DAYS = 30;
/** The resource group every entry is in (resource groups are not modelled). */
const RESOURCE_GROUP_ID = "rg-emulator";
const DAY_MS = 24 * 60 * 60 * 1000;

/** YYYY-MM-DD, in UTC (POLICY: the docs' examples give no time zone). */
function day(date: Date): string {
    return date.toISOString().slice(0, 10);
}

function factsOf(entry: CasCertificateRecord): CasFacts {
    const facts = casFactsOf(entry.pem);
    // Every entry was parsed when it arrived (an upload, a set, the seed's validation).
    if (!facts) throw errors.internalError();
    return facts;
}

type CertStatus = "ISSUED" | "WILLEXPIRED" | "EXPIRED";

function statusOf(facts: CasFacts, now: number): CertStatus {
    const left = facts.notAfter.getTime() - now;
    if (left <= 0) return "EXPIRED";
    return left <= WILL_EXPIRE_DAYS * DAY_MS ? "WILLEXPIRED" : "ISSUED";
}

// ---- UploadUserCertificate ----------------------------------------------------------------------------------------

export function casUpload(ctx: HandlerContext): ResponseBody {
    const name = ctx.params.get("Name") ?? "";
    const certText = ctx.params.get("Cert") ?? "";
    const keyText = ctx.params.get("Key") ?? "";
    if (name.trim() === "") throw errors.missingParameter("Name");
    if (certText.trim() === "") throw errors.missingParameter("Cert");
    if (keyText.trim() === "") throw errors.missingParameter("Key");
    if ([...name].length > CAS_NAME_MAX_LENGTH) throw errors.invalidParameter("Name");
    const chain = parseChain(certText);
    if (!chain) throw errors.certificateFormatException();
    // The key's format is checked before the pairing (le-to-alicloud RESULTS #1).
    const key = parsePrivateKey(keyText);
    if (!key) throw errors.privateKeyFormatException();
    // The first certificate must be the key's: a chain with the CA first is refused (RESULTS #5).
    if (!keyMatches(chain.certificates[0]!, key)) throw errors.notMatchCertificateAndPrivateKey();
    const placement = place(ctx.account, ctx.behaviour.cas, {
        name,
        pem: chain.pem,
        fingerprint: leafFingerprintOf(chain.pem)!,
        source: "upload",
        forceSet: false,
        nameTaken: errors.nameRepeat,
        now: ctx.now(),
    });
    commitPlacement(ctx.store, ctx.account, placement);
    ctx.store.save();
    return { CertId: Number(placement.entry.certId), ResourceId: instanceIdOf(ctx.account, placement.entry) };
}

// ---- GetUserCertificateDetail -------------------------------------------------------------------------------------

function booleanParameter(ctx: HandlerContext, name: string): boolean {
    const raw = ctx.params.get(name);
    if (raw === undefined || raw === "") return false;
    if (/^true$/i.test(raw)) return true;
    if (/^false$/i.test(raw)) return false;
    throw errors.invalidParameter(name);
}

function entryFor(ctx: HandlerContext): CasCertificateRecord {
    const certId = certIdParameter(ctx.params.get("CertId"));
    const entry = findById(ctx.account, ctx.account.casRegion, certId);
    if (!entry) throw errors.casNotFound();
    return entry;
}

export function casDetail(ctx: HandlerContext): ResponseBody {
    const entry = entryFor(ctx);
    const withoutCert = booleanParameter(ctx, "CertFilter");
    const facts = factsOf(entry);
    const now = ctx.now();
    return {
        Id: Number(entry.certId),
        Name: entry.certName,
        ...(withoutCert ? {} : { Cert: entry.pem }),
        CertIdentifier: `${entry.certId}-${entry.region}`,
        Common: facts.commonName,
        Sans: facts.sans.join(","),
        Issuer: facts.issuer,
        OrgName: facts.orgName,
        ...(facts.country === undefined ? {} : { Country: facts.country }),
        ...(facts.province === undefined ? {} : { Province: facts.province }),
        ...(facts.city === undefined ? {} : { City: facts.city }),
        SerialNo: facts.serialNo,
        Fingerprint: facts.sha1,
        Sha2: facts.sha256,
        NotBefore: facts.notBefore.getTime(),
        NotAfter: facts.notAfter.getTime(),
        StartDate: day(facts.notBefore),
        EndDate: day(facts.notAfter),
        Expired: facts.notAfter.getTime() <= now,
        InstanceId: instanceIdOf(ctx.account, entry),
        ResourceGroupId: RESOURCE_GROUP_ID,
        Algorithm: facts.algorithm,
        BuyInAliyun: false,
        CertChain: facts.chain.map((link) => ({
            CommonName: link.commonName,
            IssuerCommonName: link.issuerCommonName,
            NotBefore: link.notBefore.getTime(),
            NotAfter: link.notAfter.getTime(),
            RemainDay: Math.max(0, Math.floor((link.notAfter.getTime() - now) / DAY_MS)),
        })),
    };
}

// ---- ListUserCertificateOrder -------------------------------------------------------------------------------------

const ORDER_TYPES = ["CPACK", "BUY", "UPLOAD", "CERT"] as const;
/** The Status values the SDK documents; the ones other than these three apply to orders only (CPACK, BUY). */
const ORDER_ONLY_STATUSES = ["PAYED", "CHECKING", "CHECKED_FAIL", "NOTACTIVATED", "REVOKED"];

export function casList(ctx: HandlerContext): ResponseBody {
    const orderType = ctx.params.get("OrderType") || "CPACK";
    if (!(ORDER_TYPES as readonly string[]).includes(orderType)) throw errors.invalidParameter("OrderType");
    const status = ctx.params.get("Status") ?? "";
    if (status !== "" && !["ISSUED", "WILLEXPIRED", "EXPIRED", ...ORDER_ONLY_STATUSES].includes(status)) throw errors.invalidParameter("Status");
    const currentPage = integerParameter(ctx, "CurrentPage", 1, Number.MAX_SAFE_INTEGER);
    const showSize = integerParameter(ctx, "ShowSize", DEFAULT_SHOW_SIZE, MAX_SHOW_SIZE);
    const keyword = (ctx.params.get("Keyword") ?? "").trim().toLowerCase();
    const now = ctx.now();

    // CPACK and BUY list orders (resource packages, purchases): the emulator sells none. Every entry here is an
    // uploaded certificate, so UPLOAD and CERT list the same ones.
    const certificates = orderType === "UPLOAD" || orderType === "CERT";
    const matching = !certificates
        ? []
        : entriesIn(ctx.account, ctx.account.casRegion)
              .map((entry) => ({ entry, facts: factsOf(entry) }))
              .filter(({ facts }) => {
                  const state = statusOf(facts, now);
                  return status === "" ? state !== "EXPIRED" : state === status;
              })
              // Keyword matches the certificate's domains, any substring, never the Name (le-to-alicloud RESULTS #12).
              .filter(({ facts }) => keyword === "" || [facts.commonName, ...facts.sans].some((n) => n.toLowerCase().includes(keyword)));
    const page = matching.slice((currentPage - 1) * showSize, currentPage * showSize);
    return {
        CertificateOrderList: page.map(({ entry, facts }) => ({
            CertificateId: Number(entry.certId),
            Name: entry.certName,
            CommonName: facts.commonName,
            Sans: facts.sans.join(","),
            Fingerprint: facts.sha1,
            Sha2: facts.sha256,
            SerialNo: facts.serialNo,
            Issuer: facts.issuer,
            OrgName: facts.orgName,
            ...(facts.country === undefined ? {} : { Country: facts.country }),
            ...(facts.province === undefined ? {} : { Province: facts.province }),
            ...(facts.city === undefined ? {} : { City: facts.city }),
            StartDate: day(facts.notBefore),
            EndDate: day(facts.notAfter),
            Expired: facts.notAfter.getTime() <= now,
            Upload: true,
            Status: statusOf(facts, now),
            InstanceId: instanceIdOf(ctx.account, entry),
            ResourceGroupId: RESOURCE_GROUP_ID,
        })),
        CurrentPage: currentPage,
        ShowSize: showSize,
        TotalCount: matching.length,
    };
}

// ---- DeleteUserCertificate ----------------------------------------------------------------------------------------

export function casDelete(ctx: HandlerContext): ResponseBody {
    const entry = entryFor(ctx);
    if (ctx.behaviour.cas.deleteInUse === "refuse" && isInUse(ctx.account, entry.certId, ctx.now())) throw errors.certificateInUse();
    ctx.store.deleteCasCertificate(ctx.account, entry.certId);
    ctx.store.save();
    return {};
}

// ---- GetCertWarehouseQuota ----------------------------------------------------------------------------------------

export function casQuota(ctx: HandlerContext): ResponseBody {
    return { TotalQuota: ctx.behaviour.cas.quota, UseCount: entriesIn(ctx.account, ctx.account.casRegion).length };
}
