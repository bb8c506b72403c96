// Reads under a storm: every third read of the account, bulk or single, of either product, fails: answered
// ServiceBusy, then InternalError, then never answered at all. None of those says anything about the domain, the
// account or the request, so each resource reads on through them until its own deadline, and a bulk read that
// fails is, for each domain waiting on it, a read not made yet, never that domain's error.
// The emulator and the provider share one clock at 60 times real time: a hang costs 400 real ms, 24 s on it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { ACTIONS } from "../../emulator/handlers/actions";
import { CDN, PRODUCTS, type ProductSpec } from "../../provider/products";
import { groupProvider } from "../../provider/lifecycle/group/provider";
import { certificateProvider } from "../../provider/lifecycle/provider";
import type { CertificateInputs, CertificateOutputs } from "../../provider/lifecycle/model";
import type { GroupInputs, GroupOutputs } from "../../provider/lifecycle/group/model";
import { fingerprintOf, issueCertificate } from "../../harness/certs";
import { FastClock } from "../support/fastClock";
import { servicesOnClock } from "../support/serviceOnClock";

const ACCOUNT = { accessKeyId: "LTAIreadStormTest000001", accessKeySecret: "readStormTestSecret000000001" };
const SPEED = 60;
const READ_ACTIONS = ACTIONS.filter((a) => a.kind !== "set").map((a) => a.name);

interface Providers {
    readonly single: dynamic.ResourceProvider;
    readonly group: dynamic.ResourceProvider;
}

describe("every third read fails (ServiceBusy, then InternalError, then a hang)", () => {
    it("GIVEN resources and groups of every product THEN each converges, refreshes without drift and is destroyed; no resource fails on another's read", async (t) => {
        const clock = new FastClock(SPEED);
        const domains = (product: string, prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}.${product}.storm.test`);
        // More of the product that reads states in bulk, so that its bulk reads carry several domains.
        const fleets = Object.values(PRODUCTS).map((product) => {
            const [singles, group] = product.domainListing.byName ? [8, 6] : [3, 3];
            return { product, singles: domains(product.id, "s", singles), group: domains(product.id, "g", group) };
        });
        const emulator: RunningEmulator = await startEmulator({
            port: 0,
            // Two minutes: a hang costs 24 s on this clock, and a domain whose state reads meet two or three faults in a
            // row must still be seen configuring (30 s was seen too short for a DCDN or Live domain, read one by one).
            configuringMs: 120_000,
            clock,
            seed: {
                accounts: [
                    {
                        ...ACCOUNT,
                        domains: fleets.flatMap(({ product, singles, group }) =>
                            [...singles, ...group].map((domainName) => ({ domainName, product: product.id })),
                        ),
                    },
                ],
            },
        });
        t.after(() => emulator.close());
        const progress: { urn: string | undefined; message: string }[] = [];
        const sink = (urn: string | undefined) => ({ report: (message: string) => progress.push({ urn, message }), close: () => undefined });
        const providers = (product: ProductSpec): Providers => {
            const services = servicesOnClock(product, emulator.endpoint, ACCOUNT, clock, { connectTimeoutMs: 400, readTimeoutMs: 400 });
            return {
                single: certificateProvider({ product, ...services, progress: sink }),
                group: groupProvider({ product, ...services, progress: sink }),
            };
        };
        const fleetProviders = fleets.map((fleet) => ({ ...fleet, providers: providers(fleet.product) }));
        const cert = await issueCertificate({ dnsNames: fleets.map(({ product }) => `*.${product.id}.storm.test`), key: "ec256" });
        const fingerprint = await fingerprintOf(cert);
        const pem = { certificate: cert.chainPem, privateKey: cert.key.pkcs8 };

        for (const [fault, offset] of [
            ["service-busy", 1],
            ["internal-error", 2],
            ["hang", 0],
        ] as const) {
            emulator.injectFault({ action: READ_ACTIONS, fault, every: 3 * 3, offset: offset * 3 });
        }

        const check = async (provider: dynamic.ResourceProvider, raw: Record<string, unknown>) => {
            const result = await provider.check!({}, { ...raw, ...pem });
            assert.deepEqual(result.failures ?? [], []);
            return result.inputs;
        };
        const urn = (name: string) => `urn:pulumi:dev::storm::pulumi-nodejs:dynamic/alicloud-certs:Certificate::${name}`;
        const singles = fleetProviders.flatMap(({ providers: p, singles: list }) => list.map((d) => [p, d] as const));
        const groups = fleetProviders.map(({ providers: p, group }) => [p, group] as const);

        // up
        const created = await Promise.allSettled([
            ...singles.map(async ([p, domainName]) => ({
                p,
                outs: (await p.single.create(await check(p.single, { domainName, resourceUrn: urn(domainName) }))).outs as CertificateOutputs,
            })),
            ...groups.map(async ([p, list]) => ({
                p,
                group: (await p.group.create(await check(p.group, { domains: list, resourceUrn: urn(list[0]!) }))) as { id: string; outs: GroupOutputs },
            })),
        ]);
        const failures = created
            .filter((r): r is PromiseRejectedResult => r.status === "rejected")
            .map((r) => String((r.reason as Error).message).split("\n")[0]);
        assert.deepEqual(failures, [], "every resource converged");
        const faulted = emulator.requests().filter((r) => r.fault !== undefined);
        assert.deepEqual(new Set(faulted.map((r) => r.fault)), new Set(["service-busy", "internal-error", "hang"]), "all three faults met reads");
        // The request log keeps a listing's DomainName as sent: the names, comma-separated.
        assert.ok(
            faulted.some((r) => r.action === CDN.domainListing.action.name && r.domains.join(",").split(",").length > 1),
            "a bulk read was among the failures",
        );

        // Each single resource's row said what it waited on.
        // What it waited on depends on which of its reads the storm hit (configuring, ServiceBusy, InternalError, a
        // timeout), so any cause will do for a row, as long as the row names one; configuring is among them.
        const waits = (d: string) =>
            progress.filter((p) => p.urn === urn(d) && p.message.startsWith(`${d}: waiting on `)).map((p) => p.message.slice(`${d}: waiting on `.length));
        const silent = singles.filter(([, d]) => waits(d).length === 0).map(([, d]) => d);
        assert.deepEqual(
            silent,
            [],
            `progress on each row: ${JSON.stringify(silent.map((d) => [d, progress.filter((p) => p.urn === urn(d)).map((p) => p.message)]))}`,
        );
        assert.ok(
            singles.some(([, d]) => waits(d).includes("configuring")),
            "some row said it waited on configuring",
        );

        const outs = created.map(
            (r) => (r as PromiseFulfilledResult<{ p: Providers; outs?: CertificateOutputs; group?: { id: string; outs: GroupOutputs } }>).value,
        );
        for (const { outs: single } of outs) if (single) assert.deepEqual([single.status, single.fingerprint], ["on", fingerprint], single.domainName);
        for (const { group } of outs)
            if (group)
                for (const [domain, served] of Object.entries(group.outs.served))
                    assert.deepEqual([served.status, served.fingerprint], ["on", fingerprint], domain);

        // refresh: every resource reads what it wrote, through the same storm, and reports no drift
        for (const { p, outs: single, group } of outs) {
            if (single) {
                const read = await p.single.read!(single.domainName, single);
                assert.deepEqual(read.props, single, `refresh of ${single.domainName}`);
                const diff = await p.single.diff!(single.domainName, read.props as CertificateOutputs, single as unknown as CertificateInputs);
                assert.equal(diff.changes, false, `no drift on ${single.domainName}`);
            } else if (group) {
                const read = await p.group.read!(group.id, group.outs);
                assert.deepEqual((read.props as GroupOutputs).served, group.outs.served, "refresh of a group");
            }
        }

        // destroy
        const deleted = await Promise.allSettled(
            outs.map(({ p, outs: single, group }) => (single ? p.single.delete!(single.domainName, single) : p.group.delete!(group!.id, group!.outs))),
        );
        assert.deepEqual(
            deleted.filter((r) => r.status === "rejected").map((r) => String(((r as PromiseRejectedResult).reason as Error).message).split("\n")[0]),
            [],
        );
        assert.ok(emulator.requests().filter((r) => r.fault !== undefined).length > faulted.length, "the storm went on through refresh and destroy");
    });
});

describe("a read failing longer than one call's retries", () => {
    // Each product's state read: its listing (by names on CDN; the whole account, one page here, on Live and DCDN).
    for (const [product, action] of Object.values(PRODUCTS).map((p) => [p, p.domainListing.action.name] as const)) {
        it(`GIVEN ${product.displayName}'s state read answering ServiceBusy 40 times (a minute) THEN the resource waits it out, its row saying so, and converges`, async (t) => {
            const clock = new FastClock(SPEED);
            const domainName = `w0.${product.id}.storm.test`;
            const emulator = await startEmulator({
                port: 0,
                configuringMs: 30_000,
                clock,
                seed: { accounts: [{ ...ACCOUNT, domains: [{ domainName, product: product.id }] }] },
            });
            t.after(() => emulator.close());
            const progress: string[] = [];
            const provider = certificateProvider({
                product,
                ...servicesOnClock(product, emulator.endpoint, ACCOUNT, clock),
                progress: () => ({ report: (m: string) => progress.push(m), close: () => undefined }),
            });
            const cert = await issueCertificate({ dnsNames: [`*.${product.id}.storm.test`], key: "ec256" });
            const checked = await provider.check!(
                {},
                { domainName, certificate: cert.chainPem, privateKey: cert.key.pkcs8, resourceUrn: `urn:pulumi:dev::storm::x::w0` },
            );
            emulator.injectFault({ action, fault: "service-busy", times: 40 });
            const { outs } = await provider.create(checked.inputs);
            assert.equal((outs as CertificateOutputs).fingerprint, await fingerprintOf(cert));
            assert.equal(emulator.requests().filter((r) => r.action === action && r.code === "ServiceBusy").length, 40);
            assert.ok(progress.includes(`${domainName}: waiting on ServiceBusy`), JSON.stringify(progress));
            assert.equal(progress.at(-1), `${domainName}: serves the certificate`);
        });
    }
});

// The group input shape is used above only through check's result.
export type { GroupInputs };
