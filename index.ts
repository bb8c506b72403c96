// The demo stack: one CDN domain, one ApsaraVideo Live domain, one DCDN domain and a group of CDN domains, all served with one
// wildcard certificate made locally. `npm start` makes the certificate (once, under .demo/), starts the emulator and
// deploys this program against it. To use a real account instead, see "Credentials and the RAM policy" in README.md.
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { DcdnDomainCertificate, DomainCertificate, DomainCertificateGroup, LiveDomainCertificate } from "pulumi-alicloud-certs";

const config = new pulumi.Config();
const certDir = config.get("certDir") ?? ".demo";
const certificate = fs.readFileSync(`${certDir}/fullchain.pem`, "utf8");
const privateKey = fs.readFileSync(`${certDir}/privkey.pem`, "utf8"); // stored as a secret by the resource

// One resource per product, each on a domain of its own.
const cdn = new DomainCertificate("cdn", { domainName: config.get("cdnDomain") ?? "www.example-cdn.test", certificate, privateKey });
const live = new LiveDomainCertificate("live", { domainName: config.get("liveDomain") ?? "live.example-live.test", certificate, privateKey });
const dcdn = new DcdnDomainCertificate("dcdn", { domainName: config.get("dcdnDomain") ?? "www.example-dcdn.test", certificate, privateKey });

// One certificate on many domains as one resource: the shape for a rollout of hundreds. The certificate is uploaded
// to the account's certificate service once, for this group and the DomainCertificate above alike.
const group = new DomainCertificateGroup("cdn-group", {
    domains: config.getObject<string[]>("groupDomains") ?? ["img.example-cdn.test", "video.example-cdn.test", "download.example-cdn.test"],
    certificate,
    privateKey,
});

/** What each domain serves, one row per domain: the single resources', then each of the group's. */
export const domains = pulumi
    .all([
        ...[cdn, live, dcdn].map((resource) =>
            pulumi
                .all([resource.domainName, resource.status, resource.fingerprint, resource.notAfter])
                .apply(([domain, status, fingerprint, expiry]) => [{ domain, status, fingerprint, expiry }]),
        ),
        pulumi
            .all([group.served, group.notAfter])
            .apply(([served, expiry]) =>
                Object.entries(served).map(([domain, { status, fingerprint }]) => ({ domain, status, fingerprint, expiry, group: "cdn-group" })),
            ),
    ])
    .apply((rows) => rows.flat());
