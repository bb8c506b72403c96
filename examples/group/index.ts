// One wildcard certificate on many CDN domains, and the same certificate on the Live domains, each list as ONE
// resource: a rollout of hundreds of domains is one engine step, its sets go out as BatchSetCdnDomainServerCertificate
// calls (10 domains each), and a domain that fails does not stop the others. To rotate, replace the files:
//   pulumi preview --diff   # the old and new fingerprint and expiry of the group, not a line per domain
//   pulumi up               # sets every domain, confirms each, and names any that failed (the others are done)
// Add or remove a domain in the list: only that domain is worked on (a removed one has HTTPS turned off, unless
// `retainRemovedDomains: true`).
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DomainCertificateGroup, LiveDomainCertificateGroup } from "pulumi-alicloud-certs";

const config = new pulumi.Config();
const certDir = config.get("certDir") ?? "certs";
const certificate = fs.readFileSync(path.join(certDir, "fullchain.pem"), "utf8");
// `pulumi config set --secret privateKey < certs/privkey.pem`
const privateKey = config.requireSecret("privateKey");

const cdn = new DomainCertificateGroup("wildcard", {
    certificate,
    privateKey,
    domains: config.getObject<string[]>("cdnDomains") ?? ["www.example.com", "static.example.com", "img.example.com"],
});

const live = new LiveDomainCertificateGroup("wildcard-live", {
    certificate,
    privateKey,
    domains: config.getObject<string[]>("liveDomains") ?? ["live.example.com", "push.example.com"],
});

export const fingerprint = cdn.fingerprint;
export const expires = cdn.notAfter;
// For each domain, what it serves: { status, fingerprint } (and why not, for a domain whose change failed).
export const cdnServed = cdn.served;
export const liveServed = live.served;
