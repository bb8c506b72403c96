// The set query and the describe mapping, both driven by the product table.
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { CDN, CDN_BATCH_SET, CDN_LEGACY_SET, LIVE, type SetParamNames } from "../../provider/products";
import { buildSetQuery, domainStatesFromListing, domainStatusFromDetail, type SetCertificateFields, toDeployedCertificate } from "../../provider/alicloud/wire";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

describe("buildSetQuery", () => {
    const upload = { status: "on", certType: "upload", certificate: PEM, privateKey: KEY } as const;
    const cases: { given: string; params: SetParamNames; domains: string; fields: SetCertificateFields; sent: Record<string, string> }[] = [
        {
            given: "a CDN upload THEN every parameter SetCdnDomainSSLCertificate takes, and no ForceSet (it has none)",
            params: CDN.setParams,
            domains: "www.example.com",
            fields: { ...upload, certName: "www-2025", forceSet: true },
            sent: { DomainName: "www.example.com", SSLProtocol: "on", CertType: "upload", CertName: "www-2025", SSLPub: PEM, SSLPri: KEY },
        },
        {
            given: "a CDN cas certificate THEN CertId and CertRegion",
            params: CDN.setParams,
            domains: "www.example.com",
            fields: { status: "on", certType: "cas", certId: "1234567", certRegion: "ap-southeast-1", certName: "cas-cert" },
            sent: { DomainName: "www.example.com", SSLProtocol: "on", CertType: "cas", CertName: "cas-cert", CertId: "1234567", CertRegion: "ap-southeast-1" },
        },
        {
            given: "a Live set with forceSet THEN ForceSet=1 under Live's names; CertId is not a Live parameter",
            params: LIVE.setParams,
            domains: "live.example.com",
            fields: { ...upload, certName: "n", forceSet: true, certId: "9" },
            sent: { DomainName: "live.example.com", SSLProtocol: "on", CertType: "upload", CertName: "n", SSLPub: PEM, SSLPri: KEY, ForceSet: "1" },
        },
        {
            given: "the legacy action THEN its own names (ServerCertificateStatus, ServerCertificate, PrivateKey)",
            params: CDN_LEGACY_SET.params,
            domains: "www.example.com",
            fields: { ...upload, certName: "n" },
            sent: { DomainName: "www.example.com", ServerCertificateStatus: "on", CertType: "upload", CertName: "n", ServerCertificate: PEM, PrivateKey: KEY },
        },
        {
            given: "the batch action THEN a comma list of domains and Region for the certificate's region",
            params: CDN_BATCH_SET.params,
            domains: "a.example.com,b.example.com",
            fields: { status: "on", certType: "cas", certName: "n", certRegion: "cn-hangzhou", forceSet: true },
            sent: { DomainName: "a.example.com,b.example.com", SSLProtocol: "on", CertType: "cas", CertName: "n", Region: "cn-hangzhou", ForceSet: "1" },
        },
        {
            given: "status off THEN status and type still go out (never only the changed fields); empty values do not",
            params: CDN.setParams,
            domains: "d",
            fields: { status: "off", certType: "upload", certName: "" },
            sent: { DomainName: "d", SSLProtocol: "off", CertType: "upload" },
        },
    ];
    for (const { given, params, domains, fields, sent } of cases) {
        it(`GIVEN ${given}`, () => {
            assert.deepEqual(buildSetQuery(params, domains, fields), sent);
        });
    }
    it("GIVEN forceSet false THEN ForceSet=0 is sent explicitly", () => {
        assert.equal(buildSetQuery(LIVE.setParams, "d", { status: "off", certType: "upload", forceSet: false }).ForceSet, "0");
    });
});

describe("toDeployedCertificate", () => {
    it("GIVEN CDN's certificate read THEN status, PEM, name, type, id, Status, and the domain status given", () => {
        const info = {
            RequestId: "r",
            CertInfos: {
                CertInfo: [
                    {
                        DomainName: "www.example.com",
                        ServerCertificateStatus: "on",
                        ServerCertificate: PEM,
                        CertName: "n",
                        CertType: "upload",
                        CertId: "12",
                        Status: "success",
                    },
                ],
            },
        };
        assert.deepEqual(toDeployedCertificate(CDN, "www.example.com", info, "online"), {
            domainName: "www.example.com",
            status: "on",
            certificatePem: PEM,
            certName: "n",
            certType: "upload",
            certId: "12",
            certificateStatus: "success",
            domainStatus: "online",
        });
    });
    it("GIVEN Live's certificate read THEN the same shape from Live's names", () => {
        const info = {
            CertInfos: { CertInfo: [{ DomainName: "live.example.com", SSLProtocol: "on", SSLPub: PEM, CertName: "n", CertType: "free", Status: "applying" }] },
        };
        assert.deepEqual(toDeployedCertificate(LIVE, "live.example.com", info), {
            domainName: "live.example.com",
            status: "on",
            certificatePem: PEM,
            certName: "n",
            certType: "free",
            certificateStatus: "applying",
        });
    });
    it("GIVEN no certificate entry THEN status off", () => {
        const deployed = toDeployedCertificate(CDN, "d.example.com", { CertInfos: { CertInfo: [] } }, "online");
        assert.deepEqual(deployed, { domainName: "d.example.com", status: "off", domainStatus: "online" });
    });
    it("GIVEN several entries THEN the one of the domain, case-insensitively", () => {
        const info = {
            CertInfos: {
                CertInfo: [
                    { DomainName: "other.example.com", ServerCertificateStatus: "on" },
                    { DomainName: "WWW.example.com", ServerCertificateStatus: "off", CertName: "mine" },
                ],
            },
        };
        const deployed = toDeployedCertificate(CDN, "www.example.com", info);
        assert.equal(deployed.certName, "mine");
        assert.equal(deployed.status, "off");
        assert.equal(deployed.domainStatus, undefined);
    });
});

describe("domain states", () => {
    it("GIVEN a DescribeUserDomains page THEN each listed domain's state by lower-case name", () => {
        const body = {
            Domains: {
                PageData: [
                    { DomainName: "A.example.com", DomainStatus: "configuring" },
                    { DomainName: "b.example.com", DomainStatus: "configure_failed" },
                    { DomainName: "c.example.com" },
                ],
            },
        };
        assert.deepEqual(
            [...domainStatesFromListing(CDN.domainListing, body)],
            [
                ["a.example.com", "configuring"],
                ["b.example.com", "configure_failed"],
                ["c.example.com", "unknown"],
            ],
        );
        assert.deepEqual([...domainStatesFromListing(CDN.domainListing, { Domains: {} })], []);
    });
    it("GIVEN a domain detail THEN its state; without one, unknown", () => {
        assert.equal(domainStatusFromDetail(LIVE.domainDetail, { DomainDetail: { DomainStatus: "offline" } }), "offline");
        assert.equal(domainStatusFromDetail(CDN.domainDetail, {}), "unknown");
    });
});
