// The HTTPS certificate of DCDN (Dynamic Route for CDN) domains: one domain as its own resource, and one wildcard
// certificate on many domains as ONE resource, whose sets go out as BatchSetDcdnDomainCertificate calls (at most 10
// domains each, DCDN's limit). Everything else is as for CDN: the certificate is stored once in the account's
// certificate service and deployed from there, `pulumi preview` refuses a bad certificate before any call, and
// `pulumi refresh` reads back what each domain serves. Point the package at another endpoint with
// `pulumi config set alicloud-certs:dcdnEndpoint <host>` (or ALICLOUD_DCDN_ENDPOINT).
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DcdnDomainCertificate, DcdnDomainCertificateGroup } from "pulumi-alicloud-certs";

const config = new pulumi.Config();
const certDir = config.get("certDir") ?? "certs";
const certificate = fs.readFileSync(path.join(certDir, "fullchain.pem"), "utf8");
// `pulumi config set --secret privateKey < certs/privkey.pem`
const privateKey = config.requireSecret("privateKey");

const api = new DcdnDomainCertificate("api", { domainName: config.get("apiDomain") ?? "api.example.com", certificate, privateKey });

const site = new DcdnDomainCertificateGroup("site", {
    certificate,
    privateKey,
    domains: config.getObject<string[]>("dcdnDomains") ?? ["www.example.com", "static.example.com", "img.example.com"],
});

export const apiFingerprint = api.fingerprint;
export const expires = api.notAfter;
// For each domain of the group, what it serves: { status, fingerprint } (and why not, for a domain whose change failed).
export const siteServed = site.served;
