// A group's check and diff: what a user sees in `pulumi preview` for one certificate on many domains. Each case
// asserts the property and the words a user reads; the diff cases assert exactly which domains a run works on.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { CDN } from "../../provider/products";
import { checkGroupInputs, listSome } from "../../provider/lifecycle/group/check";
import { describeGroupChanges, diffGroup, groupChanges } from "../../provider/lifecycle/group/diff";
import type { GroupInputs, GroupOutputs } from "../../provider/lifecycle/group/model";
import { UNKNOWN } from "../../provider/lifecycle/model";
import { withoutEchoedValue } from "../../provider/lifecycle/provider";
import { fromEngine, groupProvider, toEngine } from "../../provider/lifecycle/group/provider";
import type { ProgressSink } from "../../provider/lifecycle/port";
import { fingerprintOf, issueCertificate, type Issued } from "../../harness/certs";

let wildcard: Issued;
let renewed: Issued;

before(async () => {
    wildcard = await issueCertificate({ dnsNames: ["*.example.com", "example.com", "xn--bcher-kva.example"], key: "ec256" });
    renewed = await issueCertificate({ dnsNames: ["*.example.com", "example.com", "xn--bcher-kva.example"], key: "ec256" });
});

function check(raw: Record<string, unknown>) {
    return checkGroupInputs(CDN, { certificate: wildcard.chainPem, privateKey: wildcard.key.pkcs8, ...raw });
}

function reasonsOn(result: ReturnType<typeof checkGroupInputs>, property: string): string[] {
    return (result.failures ?? []).filter((f) => f.property === property).map((f) => f.reason);
}

describe("group check", () => {
    it("GIVEN listed domains THEN they are normalized (case, IDN), sorted, and checked like one resource's", async () => {
        const result = check({ domains: ["B.example.com", "a.example.com", "bücher.example"] });
        assert.equal(result.failures, undefined);
        const inputs = result.inputs!;
        assert.deepEqual(inputs.domains, ["a.example.com", "b.example.com", "xn--bcher-kva.example"]);
        assert.equal(inputs.fingerprint, await fingerprintOf(wildcard));
        assert.equal(inputs.status, "on");
        assert.equal(inputs.certType, "upload");
        assert.equal(inputs.retainRemovedDomains, false);
        assert.match(inputs.certName ?? "", /^.+-\d{8}-[0-9a-f]{8}$/);
        assert.equal((inputs as unknown as Record<string, unknown>).domainName, undefined);
    });

    it("GIVEN domains the certificate does not cover THEN domains fails naming them, the first 20 then a count", () => {
        const uncovered = Array.from({ length: 23 }, (_, i) => `x${String(i).padStart(2, "0")}.other.org`);
        const [reason] = reasonsOn(check({ domains: ["a.example.com", "deep.a.example.com", ...uncovered] }), "domains");
        assert.match(
            reason!,
            /^the certificate does not cover deep\.a\.example\.com, x00\.other\.org, .*x18\.other\.org and 4 more: its names are \*\.example\.com, example\.com/,
        );
        assert.match(reason!, /a wildcard covers exactly one label/);
    });

    it("GIVEN a domain twice (after normalization) THEN domains fails naming it and how it was given", () => {
        const [reason] = reasonsOn(check({ domains: ["a.example.com", "A.Example.com"] }), "domains");
        assert.equal(reason, 'each domain may appear once: a.example.com (given as "a.example.com", "A.Example.com")');
    });

    it("GIVEN malformed names THEN domains fails naming each and why", () => {
        const [reason] = reasonsOn(check({ domains: ["a.example.com", "https://b.example.com", "c.example.com,d.example.com", 42] }), "domains");
        assert.match(
            reason!,
            /^not valid domain names: "https:\/\/b\.example\.com" \(.+\), "c\.example\.com,d\.example\.com" \(.+\), 42 \(must be a string; got 42\)$/,
        );
    });

    for (const [given, words] of [
        [undefined, /required/],
        [[], /at least one domain/],
        ["a.example.com", /must be a list of domain names/],
    ] as const) {
        it(`GIVEN domains ${JSON.stringify(given)} THEN domains fails: ${words}`, () => {
            assert.match(reasonsOn(check({ domains: given }), "domains")[0] ?? "", words);
        });
    }

    it("GIVEN domainName on a group THEN it is refused, naming domains", () => {
        assert.deepEqual(reasonsOn(check({ domains: ["a.example.com"], domainName: "a.example.com" }), "domainName"), [
            "a group takes `domains` (a list), not `domainName`",
        ]);
    });

    it("GIVEN the shared inputs wrong THEN they fail as a single resource's do", async () => {
        const other = await issueCertificate({ dnsNames: ["*.example.com"], key: "ec256" });
        const result = check({ domains: ["a.example.com"], privateKey: other.key.pkcs8, status: "maybe" });
        assert.match(reasonsOn(result, "privateKey")[0] ?? "", /does not belong to the certificate/);
        assert.match(reasonsOn(result, "status")[0] ?? "", /must be one of "on", "off"/);
    });

    it("GIVEN unknown domains (preview) THEN they pass through without failing", () => {
        assert.equal(check({ domains: UNKNOWN }).failures, undefined);
        assert.equal(check({ domains: ["a.example.com", UNKNOWN] }).failures, undefined);
    });

    it("GIVEN a failure on domains THEN the engine is not handed the list to print", () => {
        const failure = withoutEchoedValue({ property: "domains", reason: "the certificate does not cover x.org" });
        assert.deepEqual(failure, { property: "", reason: "domains: the certificate does not cover x.org" });
    });

    it("lists names as the first few, then a count", () => {
        assert.equal(listSome(["a", "b", "c"], 2), "a, b and 1 more");
        assert.equal(listSome(["a", "b"], 2), "a, b");
    });
});

describe("group diff", () => {
    const declared = (cert: Issued, domains: string[], extra: Record<string, unknown> = {}): GroupInputs =>
        checkGroupInputs(CDN, { certificate: cert.chainPem, privateKey: cert.key.pkcs8, domains, ...extra }).inputs!;

    async function stateOf(
        inputs: GroupInputs,
        overrides: Record<string, { status: "on" | "off"; fingerprint?: string; failure?: string }> = {},
    ): Promise<GroupOutputs> {
        const fingerprint = await fingerprintOf(wildcard);
        const served = Object.fromEntries(inputs.domains.map((d) => [d, overrides[d] ?? { status: "on" as const, fingerprint, certType: "upload" }]));
        return { ...inputs, domainNames: [...inputs.domains], served, chainFingerprint: inputs.fingerprint };
    }

    it("GIVEN nothing changed and every domain serving the certificate THEN no changes", async () => {
        const inputs = declared(wildcard, ["a.example.com", "b.example.com"]);
        const olds = await stateOf(inputs);
        assert.deepEqual(diffGroup(olds, declared(wildcard, ["b.example.com", "A.example.com"])).result, {
            changes: false,
            replaces: [],
            deleteBeforeReplace: false,
        });
    });

    it("GIVEN a rotation THEN the shared fingerprint changes and every domain is worked on; nothing replaces", async () => {
        const olds = await stateOf(declared(wildcard, ["a.example.com", "b.example.com"]));
        const news = declared(renewed, ["a.example.com", "b.example.com"]);
        const changes = groupChanges(olds, news);
        assert.ok(changes.shared.includes("fingerprint"), JSON.stringify(changes));
        assert.deepEqual(diffGroup(olds, news).result, { changes: true, replaces: [], deleteBeforeReplace: false });
    });

    it("GIVEN domains added and removed THEN exactly those are named", async () => {
        const olds = await stateOf(declared(wildcard, ["a.example.com", "b.example.com", "c.example.com"]));
        const changes = groupChanges(olds, declared(wildcard, ["b.example.com", "c.example.com", "d.example.com"]));
        assert.deepEqual(changes, { shared: [], added: ["d.example.com"], removed: ["a.example.com"], drifted: [], domainsUnknown: false, total: 3 });
    });

    it("GIVEN a refresh found one domain serving another certificate and one failed THEN only those two drifted", async () => {
        const inputs = declared(wildcard, ["a.example.com", "b.example.com", "c.example.com"]);
        const olds = await stateOf(inputs, {
            "b.example.com": { status: "on", fingerprint: await fingerprintOf(renewed) },
            "c.example.com": { status: "on", fingerprint: await fingerprintOf(wildcard), failure: "c.example.com is offline: ..." },
        });
        assert.deepEqual(groupChanges(olds, inputs).drifted, ["b.example.com", "c.example.com"]);
        assert.equal(diffGroup(olds, inputs).result.changes, true);
    });

    it("GIVEN a state whose domain list is not a list (edited by hand, imported) THEN every declared domain is added, with no TypeError", async () => {
        const news = declared(wildcard, ["a.example.com", "b.example.com"]);
        for (const broken of [5, "a.example.com", { a: 1 }, null, [7, "a.example.com"]]) {
            const olds = { ...(await stateOf(news)), domains: broken as unknown as string[], served: broken as unknown as GroupOutputs["served"] };
            const { result, changes } = diffGroup(olds, news);
            const kept = Array.isArray(broken) ? ["a.example.com"] : [];
            assert.deepEqual(
                changes.added,
                news.domains.filter((d) => !kept.includes(d)),
                JSON.stringify(broken),
            );
            assert.deepEqual(changes.removed, [], JSON.stringify(broken));
            assert.equal(result.changes, true, JSON.stringify(broken));
        }
    });

    it("GIVEN unknown domains (preview) THEN a change is assumed", async () => {
        const olds = await stateOf(declared(wildcard, ["a.example.com"]));
        assert.equal(diffGroup(olds, { ...declared(wildcard, ["a.example.com"]), domains: UNKNOWN as unknown as string[] }).result.changes, true);
    });
});

describe("group check and diff: matchDomains", () => {
    it("GIVEN matchDomains THEN no list is kept, exclusions are normalized; with domains too, or without an uploaded certificate, it fails", () => {
        const result = check({ matchDomains: true, excludeDomains: ["Old.example.com"] });
        assert.equal(result.failures, undefined);
        assert.equal(result.inputs!.matchDomains, true);
        assert.deepEqual(result.inputs!.excludeDomains, ["old.example.com"]);
        assert.equal((result.inputs as unknown as Record<string, unknown>).domains, undefined);
        assert.match(
            reasonsOn(check({ matchDomains: true, domains: ["a.example.com"] }), "domains")[0] ?? "",
            /either `domains` .* or `matchDomains: true`, not both/,
        );
        assert.match(
            reasonsOn(check({ domains: ["a.example.com"], excludeDomains: ["b.example.com"] }), "excludeDomains")[0] ?? "",
            /only used with matchDomains: true/,
        );
        const free = checkGroupInputs(CDN, { matchDomains: true, certType: "free" });
        assert.match(reasonsOn(free, "matchDomains")[0] ?? "", /needs the certificate itself \(certType "upload"\)/);
    });

    it("GIVEN matchDomains with a megabyte certType THEN the reason quotes its start and length, not the whole value", () => {
        const huge = "free ".repeat(200_000);
        const reason = reasonsOn(checkGroupInputs(CDN, { matchDomains: true, certType: huge }), "matchDomains")[0] ?? "";
        assert.match(reason, /for certType "(free ){11}free… \(a string of 1000000 characters\)$/);
    });

    it("GIVEN a refresh that found a new domain in the account THEN the diff adds it; an exclusion removes one", async () => {
        const inputs = check({ matchDomains: true }).inputs!;
        const fingerprint = await fingerprintOf(wildcard);
        const served = { "a.example.com": { status: "on" as const, fingerprint, certType: "upload" } };
        const olds: GroupOutputs = {
            ...inputs,
            domains: ["a.example.com"],
            domainNames: ["a.example.com"],
            served,
            matchedDomains: ["a.example.com", "new.example.com"],
        };
        assert.deepEqual(groupChanges(olds, inputs).added, ["new.example.com"]);
        assert.equal(diffGroup(olds, inputs).result.changes, true);
        const settled = { ...olds, matchedDomains: ["a.example.com"] };
        assert.equal(diffGroup(settled, inputs).result.changes, false);
        assert.deepEqual(groupChanges(settled, check({ matchDomains: true, excludeDomains: ["a.example.com"] }).inputs!).removed, ["a.example.com"]);
    });
});

describe("a group's preview note", () => {
    const declared = (cert: Issued, domains: string[], extra: Record<string, unknown> = {}): GroupInputs =>
        checkGroupInputs(CDN, { certificate: cert.chainPem, privateKey: cert.key.pkcs8, domains, ...extra }).inputs!;
    const names = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `d${String(i + from).padStart(4, "0")}.example.com`);

    async function stateOf(inputs: GroupInputs, fingerprint?: string): Promise<GroupOutputs> {
        const served = Object.fromEntries(
            inputs.domains.map((d) => [d, { status: "on" as const, fingerprint: fingerprint ?? inputs.fingerprint, certType: "upload" }]),
        );
        return { ...inputs, domainNames: [...inputs.domains], served };
    }

    function note(olds: GroupOutputs, news: GroupInputs): string | undefined {
        return describeGroupChanges(groupChanges(olds, news), news);
    }

    it("GIVEN 495 domains added to 5 and one removed THEN one line names the first five of each, then counts", async () => {
        const olds = await stateOf(declared(wildcard, [...names(5), "old.example.com"]));
        assert.equal(
            note(olds, declared(wildcard, names(500))),
            "adds 495 domains: d0005.example.com, d0006.example.com, d0007.example.com, d0008.example.com, d0009.example.com and 490 more; " +
                "removes 1 domain, turning HTTPS off on it: old.example.com; 500 domains in all",
        );
    });

    it("GIVEN a rotation of 500 domains THEN it says the new certificate goes on all of them, in one line", async () => {
        const olds = await stateOf(declared(wildcard, names(500)));
        assert.equal(note(olds, declared(renewed, names(500))), "puts the new certificate on all 500 domains; 500 domains in all");
    });

    it("GIVEN removals kept serving (retainRemovedDomains), drift, and HTTPS off THEN each is said as such", async () => {
        const olds = await stateOf(declared(wildcard, names(3)));
        assert.equal(
            note(olds, declared(wildcard, names(2), { retainRemovedDomains: true })),
            "removes 1 domain, leaving HTTPS on as it is: d0002.example.com; 2 domains in all",
        );
        const drifted = { ...olds, served: { ...olds.served, "d0001.example.com": { status: "off" as const } } };
        assert.equal(
            note(drifted, declared(wildcard, names(3))),
            "restores 1 domain that no longer serves the certificate: d0001.example.com; 3 domains in all",
        );
        assert.equal(note(olds, declared(wildcard, names(3), { status: "off" })), "turns HTTPS off on all 3 domains; 3 domains in all");
        assert.equal(note(olds, declared(wildcard, names(3))), undefined, "nothing to say when nothing changes");
    });

    it("GIVEN the provider's diff at preview THEN the note goes to the resource's URN, not ephemeral, once per diff", async () => {
        const notes: { urn: string | undefined; message: string; closed?: boolean }[] = [];
        const notesFor = (urn: string | undefined): ProgressSink => ({
            report: (message) => notes.push({ urn, message }),
            close: () => void notes.push({ urn, message: "(closed)" }),
        });
        const provider = groupProvider({
            product: CDN,
            service: () => {
                throw new Error("diff calls nothing");
            },
            notes: notesFor,
        });
        const urn = "urn:pulumi:dev::p::pulumi-nodejs:dynamic:Resource$alicloud-certs:index:DomainCertificateGroup::all";
        const olds = await stateOf(declared(wildcard, names(2)));
        const news = toEngine({ ...declared(wildcard, names(3)), resourceUrn: urn });
        await provider.diff!("id", olds, news);
        assert.deepEqual(notes, [
            { urn, message: "adds 1 domain: d0002.example.com; 3 domains in all" },
            { urn, message: "(closed)" },
        ]);
    });
});

describe("the domains as the engine stores them", () => {
    it("GIVEN checked inputs THEN the engine keeps the list under a key it never displays, and shows only the count; the provider turns it back", () => {
        const inputs = check({ domains: ["b.example.com", "a.example.com"] }).inputs!;
        const stored = toEngine(inputs) as unknown as Record<string, unknown>;
        assert.deepEqual(stored.__domains, ["a.example.com", "b.example.com"]);
        assert.equal(stored.domainCount, 2);
        assert.equal("domains" in stored, false);
        const back = fromEngine(stored as unknown as GroupInputs);
        assert.deepEqual(back, inputs, "exactly the checked inputs again");
        const unknown = toEngine({ ...inputs, domains: UNKNOWN as unknown as string[] }) as unknown as Record<string, unknown>;
        assert.equal(unknown.__domains, UNKNOWN);
        assert.equal(unknown.domainCount, UNKNOWN);
        assert.deepEqual(fromEngine(inputs).domains, ["a.example.com", "b.example.com"], "a list stays a list");
        const matching = check({ matchDomains: true }).inputs!;
        assert.deepEqual(toEngine(matching), matching, "with matchDomains there is no list to store");
    });
});

describe("a group's check given hostile values (found by the reliability suite)", () => {
    it("GIVEN a private key among the domains THEN the reason names domains and shows none of the key", () => {
        const reasons = reasonsOn(check({ domains: ["a.example.com", wildcard.key.pkcs8] }), "domains");
        assert.equal(reasons.length, 1);
        assert.match(reasons[0]!, /not valid domain names: a string of \d+ characters that looks like PEM or base64 \(not shown\)/);
        for (const line of wildcard.key.pkcs8.split("\n").filter((l) => l.length > 16 && !l.startsWith("-----")))
            assert.ok(!reasons[0]!.includes(line.slice(0, 16)));
    });
});
