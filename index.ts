// The demo stack: one CDN domain and one ApsaraVideo Live domain served with a certificate made locally.
// `npm start` makes the certificate (once, under .demo/), starts the emulator and deploys this program against it.
// To use a real account instead, see "Point the demo at a real account" in README.md.
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { DomainCertificate, LiveDomainCertificate } from "pulumi-alicloud-certs";

const config = new pulumi.Config();
const certDir = config.get("certDir") ?? ".demo";
const certificate = fs.readFileSync(`${certDir}/fullchain.pem`, "utf8");
const privateKey = fs.readFileSync(`${certDir}/privkey.pem`, "utf8"); // stored as a secret by the resource

const cdn = new DomainCertificate("cdn", {
    domainName: config.get("cdnDomain") ?? "www.example-cdn.test",
    certificate,
    privateKey,
});

const live = new LiveDomainCertificate("live", {
    domainName: config.get("liveDomain") ?? "live.example-live.test",
    certificate,
    privateKey,
});

export const domains = [cdn, live].map((resource) => ({
    domain: resource.domainName,
    fingerprint: resource.fingerprint,
    status: resource.status,
    expiry: resource.notAfter,
}));
