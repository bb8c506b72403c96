// The Pulumi programs the benchmark runs, as the TypeScript source of their index.ts.

/** The bench domains: d0.bench.test ... d<N-1>.bench.test, all covered by one wildcard certificate. */
export function benchDomains(n: number): string[] {
    return Array.from({ length: n }, (_, i) => `d${i}.bench.test`);
}

/**
 * The DCDN bench domains: dcdn0.bench.test ... dcdn<N-1>.bench.test, apart from the CDN ones (a domain belongs to one
 * product) and covered by the same wildcard certificate.
 */
export function dcdnBenchDomains(n: number): string[] {
    return Array.from({ length: n }, (_, i) => `dcdn${i}.bench.test`);
}

/**
 * The start of every certificate program: the resource class imported, N from the stack's `domains` setting, and the
 * certificate and key read from the project's files, which a rotation rewrites before its `pulumi up`.
 */
function certificateProgram(resourceClass: string, body: string): string {
    return `
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { ${resourceClass} } from "pulumi-alicloud-certs";

const config = new pulumi.Config();
const count = config.requireNumber("domains");
const certificate = fs.readFileSync("fullchain.pem", "utf8");
const privateKey = fs.readFileSync("privkey.pem", "utf8");
${body}`;
}

/**
 * N DomainCertificates, one per domain, all with the certificate and key in the project's files, as a user who
 * deploys one wildcard certificate on many CDN domains writes it. Nothing is exported per resource: the outputs of N
 * resources would only add to the engine's work, not the provider's.
 */
export const CERTIFICATES_PROGRAM = certificateProgram(
    "DomainCertificate",
    `
for (let i = 0; i < count; i++) {
    new DomainCertificate("d" + i, { domainName: "d" + i + ".bench.test", certificate, privateKey, confirmTimeoutSeconds: 300 });
}
export const domains = count;
`,
);

/**
 * N dynamic resources whose provider answers at once and never changes anything: what the engine itself costs for N
 * dynamic resources (program run, registration, provider process, state). A preview of the certificates program
 * cannot be faster than a preview of this one.
 */
export const NO_OP_PROGRAM = `
import * as pulumi from "@pulumi/pulumi";

const provider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: any, news: any) {
        return { inputs: news };
    },
    async create(inputs: any) {
        return { id: inputs.domainName, outs: inputs };
    },
    async diff() {
        return { changes: false };
    },
    async read(id: string, props: any) {
        return { id, props };
    },
    async delete() {},
};

class NoOp extends pulumi.dynamic.Resource {
    constructor(name: string, args: { domainName: string }) {
        super(provider, name, args, {}, "bench", "NoOp");
    }
}

const config = new pulumi.Config();
const count = config.requireNumber("domains");
for (let i = 0; i < count; i++) {
    new NoOp("d" + i, { domainName: "d" + i + ".bench.test" });
}
export const domains = count;
`;

/** The N domains `<prefix>0.bench.test` ... as ONE group resource of the given class. */
function groupProgram(resourceClass: "DomainCertificateGroup" | "DcdnDomainCertificateGroup", domainPrefix: string): string {
    return certificateProgram(
        resourceClass,
        `const domains = Array.from({ length: count }, (_, i) => "${domainPrefix}" + i + ".bench.test");

const group = new ${resourceClass}("all", { domains, certificate, privateKey, confirmTimeoutSeconds: 600 });
export const fingerprint = group.fingerprint;
`,
    );
}

/**
 * The same N domains as ONE DomainCertificateGroup: one engine step for the whole rollout, so the engine's per-step
 * state writes no longer set its pace. Run at the engine's default --parallel, with checkpoints on.
 */
export const GROUP_PROGRAM = groupProgram("DomainCertificateGroup", "d");

/** GROUP_PROGRAM's twin on DCDN: the same N, as one DcdnDomainCertificateGroup of the DCDN bench domains. */
export const DCDN_GROUP_PROGRAM = groupProgram("DcdnDomainCertificateGroup", "dcdn");
