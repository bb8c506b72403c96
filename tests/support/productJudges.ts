// Each product as its official SDK sees it, for the tests that run one table of cases over every product of the table
// (provider/products.ts PRODUCTS): what a domain serves, a change made behind the provider's back (as in the
// console), and the action names a test expects in the emulator's log. The names are written here, from the SDKs'
// models and the products' API pages, not taken from the product table: a wrong name there must fail a test.
import * as $Cdn from "@alicloud/cdn20180510";
import * as $Dcdn from "@alicloud/dcdn20180115";
import OpenApi from "@alicloud/openapi-core";
import type { ProductId } from "../../provider/products";
import { rpcCaller, testCdnClient, testDcdnClient, testSdkConfig, type SdkKeys } from "../../harness/sdkClients";
import type { Issued } from "../../harness/certs";
import { leafFingerprint } from "../../harness/certs";

export interface Served {
    readonly status?: string;
    readonly pem?: string;
    readonly certName?: string;
    readonly certType?: string;
}

export interface ProductJudge {
    /** How the package's messages name the product. */
    readonly displayName: string;
    readonly setAction: string;
    /** The batch set, for a product that has one. */
    readonly batchSetAction?: string;
    readonly certificateRead: string;
    /**
     * The read of a domain's state while a change configures: the account's listing, by names (CDN) or whole (Live
     * and DCDN, in an account as small as a test's), never each domain's detail.
     */
    readonly stateRead: string;
    /**
     * Whether the account's listing shows domains under review or failed review (CDN's and DCDN's
     * DescribeUserDomains / DescribeDcdnUserDomains with CheckDomainShow=true; Live's listing has no such parameter).
     */
    readonly listsFailedReview: boolean;
    served(domainName: string): Promise<Served>;
    /** The domain's state, from its detail. */
    domainStatus(domainName: string): Promise<string | undefined>;
    /** Someone sets another certificate on the domain (upload, HTTPS on). */
    replace(domainName: string, issued: Issued, certName: string): Promise<void>;
}

/** SHA-256 of the leaf a domain serves with HTTPS on, lowercase hex; undefined with HTTPS off. */
export async function servedFingerprint(judge: ProductJudge, domainName: string): Promise<string | undefined> {
    const served = await judge.served(domainName);
    return served.status === "on" && served.pem ? leafFingerprint(served.pem) : undefined;
}

/** A generic RPC call of the official SDK (@alicloud/openapi-core): Live has no SDK package. */
function genericCall(endpoint: string, keys: SdkKeys, version: string) {
    const call = rpcCaller(new OpenApi(testSdkConfig(endpoint, keys)));
    return async (action: string, query: Record<string, string>): Promise<Record<string, unknown>> => (await call(action, version, query)).body;
}

const JUDGES: { readonly [K in ProductId]: (endpoint: string, keys: SdkKeys) => ProductJudge } = {
    cdn: (endpoint, keys) => ({
        displayName: "CDN",
        setAction: "SetCdnDomainSSLCertificate",
        batchSetAction: "BatchSetCdnDomainServerCertificate",
        certificateRead: "DescribeDomainCertificateInfo",
        stateRead: "DescribeUserDomains",
        listsFailedReview: true,
        async served(domainName) {
            const response = await testCdnClient(endpoint, keys).describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName }));
            const info = response.body?.certInfos?.certInfo?.[0];
            return { status: info?.serverCertificateStatus, pem: info?.serverCertificate, certName: info?.certName, certType: info?.certType };
        },
        async domainStatus(domainName) {
            const detail = await testCdnClient(endpoint, keys).describeCdnDomainDetail(new $Cdn.DescribeCdnDomainDetailRequest({ domainName }));
            return detail.body?.getDomainDetailModel?.domainStatus;
        },
        async replace(domainName, issued, certName) {
            await testCdnClient(endpoint, keys).setCdnDomainSSLCertificate(
                new $Cdn.SetCdnDomainSSLCertificateRequest(uploadedBy(domainName, issued, certName)),
            );
        },
    }),
    live: (endpoint, keys) => ({
        displayName: "ApsaraVideo Live",
        setAction: "SetLiveDomainCertificate",
        certificateRead: "DescribeLiveDomainCertificateInfo",
        stateRead: "DescribeLiveUserDomains",
        listsFailedReview: false,
        async served(domainName) {
            const body = await genericCall(endpoint, keys, "2016-11-01")("DescribeLiveDomainCertificateInfo", { DomainName: domainName });
            const info = ((body.CertInfos as { CertInfo?: Record<string, string>[] } | undefined)?.CertInfo ?? [])[0];
            return { status: info?.SSLProtocol, pem: info?.SSLPub, certName: info?.CertName, certType: info?.CertType };
        },
        async domainStatus(domainName) {
            const body = await genericCall(endpoint, keys, "2016-11-01")("DescribeLiveDomainDetail", { DomainName: domainName });
            return (body.DomainDetail as Record<string, string> | undefined)?.DomainStatus;
        },
        async replace(domainName, issued, certName) {
            await genericCall(
                endpoint,
                keys,
                "2016-11-01",
            )("SetLiveDomainCertificate", {
                DomainName: domainName,
                SSLProtocol: "on",
                CertType: "upload",
                CertName: certName,
                SSLPub: issued.chainPem,
                SSLPri: issued.key.pkcs8,
            });
        },
    }),
    dcdn: (endpoint, keys) => ({
        displayName: "DCDN",
        setAction: "SetDcdnDomainSSLCertificate",
        batchSetAction: "BatchSetDcdnDomainCertificate",
        certificateRead: "DescribeDcdnDomainCertificateInfo",
        stateRead: "DescribeDcdnUserDomains",
        listsFailedReview: true,
        async served(domainName) {
            const response = await testDcdnClient(endpoint, keys).describeDcdnDomainCertificateInfo(
                new $Dcdn.DescribeDcdnDomainCertificateInfoRequest({ domainName }),
            );
            const info = response.body?.certInfos?.certInfo?.[0];
            return { status: info?.SSLProtocol, pem: info?.SSLPub, certName: info?.certName, certType: info?.certType };
        },
        async domainStatus(domainName) {
            const detail = await testDcdnClient(endpoint, keys).describeDcdnDomainDetail(new $Dcdn.DescribeDcdnDomainDetailRequest({ domainName }));
            return detail.body?.domainDetail?.domainStatus;
        },
        async replace(domainName, issued, certName) {
            await testDcdnClient(endpoint, keys).setDcdnDomainSSLCertificate(
                new $Dcdn.SetDcdnDomainSSLCertificateRequest(uploadedBy(domainName, issued, certName)),
            );
        },
    }),
};

/** A set that uploads `issued` under `certName`, HTTPS on: the request fields CDN's and DCDN's SDKs name alike. */
function uploadedBy(domainName: string, issued: Issued, certName: string) {
    return { domainName, SSLProtocol: "on", certType: "upload", certName, SSLPub: issued.chainPem, SSLPri: issued.key.pkcs8 };
}

/** The judge of `product` for the emulator (or any endpoint) at `endpoint`, as the account `keys`. */
export function judgeOf(product: ProductId, endpoint: string, keys: SdkKeys): ProductJudge {
    return JUDGES[product](endpoint, keys);
}
