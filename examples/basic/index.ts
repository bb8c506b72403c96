// One certificate on a CDN domain and on a Live domain. The certificate is plain PEM; the private key is a secret
// stack value: `pulumi config set --secret privateKey < key.pem`.
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { DomainCertificate, LiveDomainCertificate } from "pulumi-alicloud-certs";

const config = new pulumi.Config();
const certificate = fs.readFileSync(config.get("certificateFile") ?? "fullchain.pem", "utf8");
const privateKey = config.requireSecret("privateKey");

const www = new DomainCertificate("www", { domainName: config.get("cdnDomain") ?? "www.example.com", certificate, privateKey });
const live = new LiveDomainCertificate("live", { domainName: config.get("liveDomain") ?? "live.example.com", certificate, privateKey });

export const cdnFingerprint = www.fingerprint;
export const cdnExpiry = www.notAfter;
export const liveFingerprint = live.fingerprint;
export const liveStatus = live.status;
