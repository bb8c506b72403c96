// R3's program: bench/programs.ts's CERTIFICATES_PROGRAM puts every stack on d0..dN-1.bench.test, and R3's four
// stacks must hold disjoint domains of one account, so each stack here takes its own zone from stack config.

/** The domains of stack `zone`: d0.<zone> ... d<N-1>.<zone>. */
export function stackDomains(zone: string, n: number): string[] {
    return Array.from({ length: n }, (_, i) => `d${i}.${zone}`);
}

/** N DomainCertificates on d<i>.<zone>, the certificate and key from the project's files, as one team deploys its own. */
export const ZONE_PROGRAM = `
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { DomainCertificate } from "pulumi-alicloud-certs";

const config = new pulumi.Config();
const count = config.requireNumber("domains");
const zone = config.require("zone");
const certificate = fs.readFileSync("fullchain.pem", "utf8");
const privateKey = fs.readFileSync("privkey.pem", "utf8");

for (let i = 0; i < count; i++) {
    new DomainCertificate("d" + i, { domainName: "d" + i + "." + zone, certificate, privateKey, confirmTimeoutSeconds: 300 });
}
export const domains = count;
`;
