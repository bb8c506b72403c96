// Expiry windows: the warning a user reads in `pulumi preview` when a certificate runs out soon, and the failure a
// scheduled check gets inside the fail window. Real certificates, checked by the providers' own check.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { configFromRecord } from "../../provider/config";
import { CDN, LIVE } from "../../provider/products";
import { expiryFinding, expiryPolicyFromConfig } from "../../provider/lifecycle/expiry";
import { groupProvider } from "../../provider/lifecycle/group/provider";
import type { ProgressSink } from "../../provider/lifecycle/port";
import { certificateProvider } from "../../provider/lifecycle/provider";
import { issueCertificate, type Issued } from "../../harness/certs";

const DAY = 86_400_000;
const SUBJECT = { resource: "the DomainCertificate `www`", domains: "www.example.com" };

describe("expiry windows", () => {
    it("GIVEN no config THEN a warning within 30 days and never a failure; the fail window wins where both apply", () => {
        const now = new Date("2026-12-01T12:00:00Z");
        const { policy, failures } = expiryPolicyFromConfig(configFromRecord({}));
        assert.deepEqual(failures, []);
        assert.deepEqual(policy, { warningDays: 30 });
        assert.equal(expiryFinding("2027-01-01T00:00:00Z", now, policy, SUBJECT), undefined, "31 days left");
        assert.deepEqual(expiryFinding("2026-12-10T00:00:00Z", now, policy, SUBJECT), {
            kind: "warn",
            message:
                "the certificate of the DomainCertificate `www` on www.example.com expires on 2026-12-10 (in 8 days), within alicloud-certs:expiryWarningDays (30): renew it",
        });
        const strict = expiryPolicyFromConfig(configFromRecord({ "alicloud-certs:expiryWarningDays": "60", "alicloud-certs:expiryFailDays": "14" })).policy;
        assert.deepEqual(expiryFinding("2026-12-10T00:00:00Z", now, strict, SUBJECT), {
            kind: "fail",
            failure: {
                property: "certificate",
                reason: "expires on 2026-12-10 (in 8 days), within alicloud-certs:expiryFailDays (14): put a renewed certificate in the stack, or lower alicloud-certs:expiryFailDays",
            },
        });
        assert.equal(expiryFinding("2027-01-20T00:00:00Z", now, strict, SUBJECT)?.kind, "warn", "50 days: inside 60, outside 14");
        const lastHours = expiryFinding("2026-12-01T13:00:00Z", now, strict, SUBJECT);
        assert.ok(lastHours?.kind === "fail" && lastHours.failure.reason.startsWith("expires on 2026-12-01 (in less than a day)"), JSON.stringify(lastHours));
        assert.equal(expiryFinding("2026-11-30T00:00:00Z", now, strict, SUBJECT), undefined, "already expired: check's own failure says so");
    });

    it("GIVEN a config value that is not a whole number of days THEN a failure names the key and the fix", () => {
        const { policy, failures } = expiryPolicyFromConfig(
            configFromRecord({ "alicloud-certs:expiryFailDays": "two weeks", "alicloud-certs:expiryWarningDays": "-1" }),
        );
        assert.deepEqual(policy, { warningDays: 30 });
        assert.deepEqual(
            failures.map((f) => f.reason),
            [
                'stack config alicloud-certs:expiryWarningDays must be a whole number of days (0 or more); got "-1". Fix: pulumi config set alicloud-certs:expiryWarningDays 30',
                'stack config alicloud-certs:expiryFailDays must be a whole number of days (0 or more); got "two weeks". Fix: pulumi config set alicloud-certs:expiryFailDays 14',
            ],
        );
    });
});

describe("expiry in the providers' check", () => {
    let soon: Issued;
    let later: Issued;
    before(async () => {
        soon = await issueCertificate({ dnsNames: ["*.example.com"], key: "ec256", notAfterDays: 10 });
        later = await issueCertificate({ dnsNames: ["*.example.com"], key: "ec256", notAfterDays: 90 });
    });

    function recorder() {
        const sent: { urn: string | undefined; message: string }[] = [];
        return { sent, sink: (urn: string | undefined): ProgressSink => ({ report: (message) => sent.push({ urn, message }), close: () => undefined }) };
    }
    const noService = () => {
        throw new Error("check calls nothing");
    };

    it("GIVEN a certificate 10 days from its end THEN the single resource's check warns on its URN, naming it, its domain and the date", async () => {
        const { sent, sink } = recorder();
        const provider = certificateProvider({ product: CDN, service: noService, warnings: sink });
        const urn = "urn:pulumi:dev::p::pulumi-nodejs:dynamic/alicloud-certs:DomainCertificate::www";
        const result = await provider.check!({}, { domainName: "www.example.com", certificate: soon.chainPem, privateKey: soon.key.pkcs8, resourceUrn: urn });
        assert.deepEqual(result.failures ?? [], []);
        const date = new Date(Date.parse(result.inputs!.notAfter as string)).toISOString().slice(0, 10);
        assert.equal(sent.length, 1);
        assert.equal(sent[0]!.urn, urn);
        assert.match(
            sent[0]!.message,
            new RegExp(
                `^the certificate of the DomainCertificate \`www\` on www\\.example\\.com expires on ${date} \\(in (9|10) days\\), within alicloud-certs:expiryWarningDays \\(30\\): renew it$`,
            ),
        );
        const quiet = await provider.check!({}, { domainName: "www.example.com", certificate: later.chainPem, privateKey: later.key.pkcs8, resourceUrn: urn });
        assert.deepEqual(quiet.failures ?? [], []);
        assert.equal(sent.length, 1, "90 days left: no warning");
    });

    it("GIVEN expiryFailDays 14 THEN the check fails on certificate, without echoing the PEM; a group says its count", async () => {
        const { sent, sink } = recorder();
        const expiry = () => expiryPolicyFromConfig(configFromRecord({ "alicloud-certs:expiryFailDays": "14" }));
        const single = certificateProvider({ product: LIVE, service: noService, warnings: sink, expiry });
        const failed = await single.check!({}, { domainName: "live.example.com", certificate: soon.chainPem, privateKey: soon.key.pkcs8 });
        assert.equal(failed.failures?.length, 1);
        assert.equal(failed.failures![0]!.property, "");
        assert.match(
            failed.failures![0]!.reason,
            /^certificate: expires on \d{4}-\d\d-\d\d \(in (9|10) days\), within alicloud-certs:expiryFailDays \(14\): put a renewed certificate in the stack/,
        );

        const group = groupProvider({ product: CDN, service: noService, warnings: sink });
        const urn = "urn:pulumi:dev::p::pulumi-nodejs:dynamic/alicloud-certs:DomainCertificateGroup::all";
        await group.check!(
            {},
            { domains: ["a.example.com", "b.example.com", "c.example.com"], certificate: soon.chainPem, privateKey: soon.key.pkcs8, resourceUrn: urn },
        );
        assert.equal(sent.length, 1);
        assert.match(sent[0]!.message, /^the certificate of the DomainCertificateGroup `all` on its 3 domains expires on /);
        const groupFailed = await groupProvider({ product: CDN, service: noService, expiry }).check!(
            {},
            { domains: ["a.example.com"], certificate: soon.chainPem, privateKey: soon.key.pkcs8 },
        );
        assert.match(groupFailed.failures?.[0]?.reason ?? "", /^certificate: expires on .* within alicloud-certs:expiryFailDays \(14\)/);
        assert.ok(Date.now() + 14 * DAY > Date.parse(failed.inputs!.notAfter as string));
    });

    it("GIVEN HTTPS declared off THEN no expiry finding (nothing is served)", async () => {
        const { sent, sink } = recorder();
        const expiry = () => expiryPolicyFromConfig(configFromRecord({ "alicloud-certs:expiryFailDays": "14" }));
        const provider = certificateProvider({ product: CDN, service: noService, warnings: sink, expiry });
        const result = await provider.check!({}, { domainName: "www.example.com", status: "off" });
        assert.deepEqual(result.failures ?? [], []);
        assert.deepEqual(sent, []);
    });
});
