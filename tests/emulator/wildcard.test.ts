// Wildcard accelerated domains, named as the API names them: ".example.com", with a leading dot. A call that names
// the domain "*.example.com" finds nothing (acme.sh PR #1466: DomainNotFound; Certimate #223: InvalidDomain.NotFound
// on DCDN), and a free certificate cannot cover a wildcard domain (CertInfo.Status `unsupport_wildcard`).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateSeed } from "../../emulator";
import { issueCertificate } from "../../harness/certs";
import { eventually, expectApiError } from "./support/assertions";
import { $Cdn, cdnClient, liveClient } from "./support/clients";
import { account, emulatorFor, keysOf } from "./support/fixtures";

const WILD = account("wild0001", { cdn: [".wild.example.com"], live: [".live.wild.example.com"] });

describe("wildcard domains in the emulator", () => {
    it("GIVEN a wildcard CDN domain THEN it is listed, read and set as .wild.example.com, and *.wild.example.com is not found", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [WILD] });
        const cdn = cdnClient(emulator, keysOf(WILD));
        const listed = await cdn.describeUserDomains(new $Cdn.DescribeUserDomainsRequest({ pageSize: 50, pageNumber: 1, checkDomainShow: true }));
        assert.deepEqual(
            listed.body?.domains?.pageData?.map((d) => d.domainName),
            [".wild.example.com"],
        );
        const cert = await issueCertificate({ dnsNames: ["*.wild.example.com"], key: "ec256" });
        await cdn.setCdnDomainSSLCertificate(
            new $Cdn.SetCdnDomainSSLCertificateRequest({
                domainName: ".wild.example.com",
                SSLProtocol: "on",
                certType: "upload",
                certName: "wild",
                SSLPub: cert.chainPem,
                SSLPri: cert.key.pkcs8,
            }),
        );
        await eventually(async () => {
            const info = await cdn.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: ".wild.example.com" }));
            return info.body?.certInfos?.certInfo?.[0]?.serverCertificateStatus === "on";
        });
        await expectApiError(
            cdn.describeDomainCertificateInfo(new $Cdn.DescribeDomainCertificateInfoRequest({ domainName: "*.wild.example.com" })),
            "InvalidDomain.NotFound",
            404,
        );
        await expectApiError(
            cdn.setCdnDomainSSLCertificate(new $Cdn.SetCdnDomainSSLCertificateRequest({ domainName: "*.wild.example.com", SSLProtocol: "off" })),
            "InvalidDomain.NotFound",
            404,
        );
    });

    it("GIVEN a wildcard Live domain THEN *.live.wild.example.com is not found, .live.wild.example.com is", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [WILD] });
        const live = liveClient(emulator, keysOf(WILD));
        const detail = await live("DescribeLiveDomainDetail", { DomainName: ".live.wild.example.com" });
        assert.equal((detail.DomainDetail as { DomainName: string }).DomainName, ".live.wild.example.com");
        await expectApiError(live("DescribeLiveDomainDetail", { DomainName: "*.live.wild.example.com" }), "InvalidDomain.NotFound", 404);
    });

    it("GIVEN a free certificate asked for on a wildcard domain THEN its application ends in unsupport_wildcard", async (t) => {
        const emulator = await emulatorFor(t, { accounts: [WILD] });
        const live = liveClient(emulator, keysOf(WILD));
        await live("SetLiveDomainCertificate", { DomainName: ".live.wild.example.com", SSLProtocol: "on", CertType: "free" });
        await eventually(async () => {
            const info = await live("DescribeLiveDomainCertificateInfo", { DomainName: ".live.wild.example.com" });
            return (info.CertInfos as { CertInfo: { Status?: string }[] }).CertInfo[0]?.Status === "unsupport_wildcard";
        });
    });

    it("GIVEN a seed naming a wildcard domain *.example.com THEN it is refused, naming the field and the API's spelling", () => {
        assert.throws(
            () => validateSeed({ accounts: [{ accessKeyId: "LTAIx", accessKeySecret: "s", domains: [{ domainName: "*.example.com", product: "cdn" }] }] }),
            /accounts\[0\]\.domains\[0\]\.domainName: a wildcard domain is named as the API names it, with a leading dot: "\.example\.com", not "\*\.example\.com"/,
        );
    });
});
