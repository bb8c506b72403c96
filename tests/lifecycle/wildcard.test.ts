// Wildcard accelerated domains through the provider: written "*.example.com" (as certificates name them) or
// ".example.com" (as the APIs do), sent as the API names them, and kept in state, outputs and claims in that one
// form, so that changing the spelling in a program is no change. A state written by the release before, which
// kept "*.example.com", reads as the same domain.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { PRODUCTS, type ProductSpec } from "../../provider/products";
import { groupProvider } from "../../provider/lifecycle/group/provider";
import { certificateProvider } from "../../provider/lifecycle/provider";
import type { CertificateInputs, CertificateOutputs } from "../../provider/lifecycle/model";
import type { GroupInputs, GroupOutputs } from "../../provider/lifecycle/group/model";
import { fingerprintOf, issueCertificate, type Issued } from "../../harness/certs";
import { FastClock } from "../support/fastClock";
import { servicesOnClock } from "../support/serviceOnClock";

const ACCOUNT = { accessKeyId: "LTAIwildcardTest000001", accessKeySecret: "wildcardTestSecret0000000001" };

interface World {
    readonly emulator: RunningEmulator;
    readonly single: dynamic.ResourceProvider;
    readonly group: dynamic.ResourceProvider;
    readonly cert: Issued;
}

async function world(t: { after: (fn: () => Promise<void>) => void }, product: ProductSpec, domains: readonly string[]): Promise<World> {
    const clock = new FastClock(600);
    const emulator = await startEmulator({
        port: 0,
        configuringMs: 60_000,
        clock,
        seed: { accounts: [{ ...ACCOUNT, domains: domains.map((domainName) => ({ domainName, product: product.id })) }] },
    });
    t.after(() => emulator.close());
    const services = servicesOnClock(product, emulator.endpoint, ACCOUNT, clock);
    const cert = await issueCertificate({ dnsNames: [`*.${product.id}.wild.test`, `*.g.${product.id}.wild.test`], key: "ec256" });
    return { emulator, cert, single: certificateProvider({ product, ...services }), group: groupProvider({ product, ...services }) };
}

async function checked<T>(provider: dynamic.ResourceProvider, cert: Issued, raw: Record<string, unknown>): Promise<T> {
    const result = await provider.check!({}, { ...raw, certificate: cert.chainPem, privateKey: cert.key.pkcs8 });
    assert.deepEqual(result.failures ?? [], []);
    return result.inputs as T;
}

/** The DomainName of every set call the emulator took, as sent. */
function setDomains(w: World): string[] {
    return w.emulator
        .requests()
        .filter((r) => /Set/.test(r.action ?? ""))
        .flatMap((r) => r.domains);
}

for (const product of Object.values(PRODUCTS)) {
    const wild = `.${product.id}.wild.test`;
    describe(`${product.displayName}: a wildcard domain`, () => {
        for (const written of [`*${wild}`, wild]) {
            it(`GIVEN it written ${written} THEN it deploys as ${wild}, and the other spelling is no change`, async (t) => {
                const w = await world(t, product, [wild]);
                const news = await checked<CertificateInputs>(w.single, w.cert, { domainName: written });
                assert.equal(news.domainName, wild);
                const { id, outs } = await w.single.create(news);
                assert.equal(id, wild);
                assert.deepEqual([outs.domainName, outs.status, outs.fingerprint], [wild, "on", await fingerprintOf(w.cert)]);
                assert.deepEqual(setDomains(w), [wild], "sent as the API names it");
                const other = written.startsWith("*") ? wild : `*${wild}`;
                const respelled = await checked<CertificateInputs>(w.single, w.cert, { domainName: other });
                assert.equal((await w.single.diff!(id, outs as CertificateOutputs, respelled)).changes, false);
            });
        }

        it("GIVEN a state written by the release before, keyed on *.example.com THEN refresh, diff and delete treat it as the same domain", async (t) => {
            const w = await world(t, product, [wild]);
            const { outs } = await w.single.create(await checked<CertificateInputs>(w.single, w.cert, { domainName: wild }));
            const old = { ...(outs as CertificateOutputs), domainName: `*${wild}` };
            const read = await w.single.read!(`*${wild}`, old);
            assert.equal(read.id, `*${wild}`, "the engine's id is kept");
            assert.deepEqual(
                [(read.props as CertificateOutputs).domainName, (read.props as CertificateOutputs).fingerprint],
                [wild, await fingerprintOf(w.cert)],
            );
            const news = await checked<CertificateInputs>(w.single, w.cert, { domainName: `*${wild}` });
            assert.equal((await w.single.diff!(`*${wild}`, old, news)).changes, false);
            await w.single.delete!(`*${wild}`, old);
            assert.deepEqual(setDomains(w), [wild, wild], "the delete's set named the domain as the API does");
            assert.equal(((await w.single.read!(`*${wild}`, old)).props as CertificateOutputs).status, "off");
        });

        it("GIVEN a group of the wildcard domain and a name under it, written either way THEN it deploys, and a respelling or an old state is no change", async (t) => {
            const g = `.g.${product.id}.wild.test`;
            const under = `a.g.${product.id}.wild.test`;
            const w = await world(t, product, [g, under]);
            const news = await checked<GroupInputs>(w.group, w.cert, { domains: [`*${g}`, under] });
            const { id, outs } = (await w.group.create(news)) as { id: string; outs: GroupOutputs };
            assert.deepEqual(outs.domainNames, [g, under]);
            assert.deepEqual(Object.keys(outs.served).sort(), [g, under]);
            assert.deepEqual([...new Set(setDomains(w))].sort(), [g, under]);
            const respelled = await checked<GroupInputs>(w.group, w.cert, { domains: [g, under] });
            assert.equal((await w.group.diff!(id, outs, respelled)).changes, false, "respelled");
            const old: GroupOutputs = {
                ...outs,
                domains: [`*${g}`, under],
                domainNames: [`*${g}`, under],
                served: { [`*${g}`]: outs.served[g]!, [under]: outs.served[under]! },
            };
            assert.equal((await w.group.diff!(id, old, respelled)).changes, false, "an old state");
            const read = (await w.group.read!(id, old)).props as GroupOutputs;
            assert.deepEqual(Object.keys(read.served).sort(), [g, under]);
        });

        it("GIVEN matchDomains with a *. certificate THEN the wildcard domain and the name under it are taken, the parent is not", async (t) => {
            const g = `.g.${product.id}.wild.test`;
            const under = `a.g.${product.id}.wild.test`;
            const parent = `g.${product.id}.wild.test`;
            const w = await world(t, product, [g, under, parent]);
            const only = await issueCertificate({ dnsNames: [`*${g}`], key: "ec256" });
            const { outs } = (await w.group.create(await checked<GroupInputs>(w.group, only, { matchDomains: true }))) as { outs: GroupOutputs };
            assert.deepEqual(outs.domainNames, [g, under]);
        });
    });
}
