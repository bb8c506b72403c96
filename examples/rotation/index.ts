// Renewal without ceremony: the certificate comes from files your ACME client writes (certbot, acme.sh, lego), the
// key from a secret stack value. To rotate, replace the files and update the secret, then
//   pulumi preview --diff   # shows, per domain, the old and new fingerprint and expiry (no PEM, never the key)
//   pulumi up               # uploads under a new name derived from the certificate, so it never collides
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DomainCertificate } from "pulumi-alicloud-certs";

const config = new pulumi.Config();
const certDir = config.get("certDir") ?? "certs";
// The leaf and its intermediates, as ACME clients write them; any order and line endings are accepted.
const certificate = fs.readFileSync(path.join(certDir, "fullchain.pem"), "utf8");
// `pulumi config set --secret privateKey < certs/privkey.pem`
const privateKey = config.requireSecret("privateKey");
const domains = config.getObject<string[]>("domains") ?? ["www.example.com", "static.example.com"];

export const certificates = domains.map((domainName) => {
    const resource = new DomainCertificate(domainName.replace(/[^a-z0-9]+/g, "-"), {
        domainName,
        certificate,
        privateKey,
    });
    return { domainName, fingerprint: resource.fingerprint, notAfter: resource.notAfter };
});
