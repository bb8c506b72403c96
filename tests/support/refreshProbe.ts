// Run as a child process by tests/unit/refresh.test.ts: one refresh of one resource (the provider's read, then the
// diff the engine makes of its result), in a fresh process, and whether the X.509 parser had to be loaded for it.
// A fresh process is the point: the test process itself has long loaded the parser.
// stdin: {"state": outputs in state, "inputs": inputs in state, "served": what the domain serves (a DeployedCertificate)}
// stdout: {"props": read's outputs, "changes": the diff's verdict, "parserLoaded": boolean}
import { CDN } from "../../provider/products";
import { certificateProvider } from "../../provider/lifecycle/provider";
import type { CertificateService, DeployedCertificate } from "../../provider/lifecycle/port";

async function main(): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const { state, inputs, served } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        state: Record<string, unknown>;
        inputs: Record<string, unknown>;
        served: DeployedCertificate;
    };
    const service: CertificateService = {
        product: CDN,
        describe: async () => served,
        domainStatus: async () => {
            throw new Error("a refresh reads the certificate only");
        },
        listDomains: async () => {
            throw new Error("a refresh of a single resource lists nothing");
        },
        set: async () => {
            throw new Error("a refresh makes no set call");
        },
    };
    const provider = certificateProvider({ product: CDN, service: () => service });
    const read = await provider.read!(String(state.domainName), state);
    const diff = await provider.diff!(String(state.domainName), read.props, inputs);
    const parserLoaded = Object.keys(require.cache).some((file) => file.includes(`${"@peculiar"}/x509`));
    process.stdout.write(JSON.stringify({ props: read.props, changes: diff.changes, parserLoaded }));
}

main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
});
