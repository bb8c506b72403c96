// R5, secrets (issue #13): every private key and access key secret the other scenarios used, searched for in
// everything they produced (check reasons, warnings, SDK errors, emulator answers, its request log, state file and
// output, the CLI's and the provider's output once R1-R3 add them). 0 hits are required.
// The search itself is harness/secretSearch.ts.
import { bodyOf, searchSecrets } from "../harness/secretSearch";
import type { Outcome, Scenario, ScenarioOptions } from "./scenario";

export const r5SecretSearch: Scenario = {
    id: "r5",
    name: "R5 secrets",
    async run(options: ScenarioOptions): Promise<Outcome> {
        const produced = options.earlier.flatMap((o) => o.produced);
        const secrets = options.earlier.flatMap((o) => o.secrets);
        options.progress(`r5: searching ${produced.length} texts for ${secrets.length} secrets`);
        const begin = performance.now();
        // A control first: a piece of a key planted, percent-encoded, in a text must be found, and the certificate
        // of that key must not be; otherwise the search itself is broken and its 0 means nothing.
        const probe = secrets.find((s) => s.value.includes("PRIVATE KEY") && s.publicTexts);
        let control = "no private key to plant";
        if (probe) {
            const body = bodyOf(probe.value);
            const planted = encodeURIComponent(body.slice(body.length - 120, body.length - 60));
            const found = searchSecrets([{ source: "control", text: `x=${planted}&y=1` }], [probe]).hits.length;
            const cert = searchSecrets([{ source: "control", text: probe.publicTexts!.join("") }], [probe]).hits.length;
            control =
                found === 1 && cert === 0
                    ? "control found a planted key piece and not its certificate"
                    : `CONTROL FAILED (planted piece found ${found}×, certificate flagged ${cert}×)`;
        }
        const { hits, texts, bytes } = searchSecrets(produced, secrets);
        const seconds = (performance.now() - begin) / 1000;
        const leaks = hits.filter((h) => h.byDesign === undefined);
        const designed = hits.filter((h) => h.byDesign !== undefined);
        const leakedTexts = new Set(leaks.map((h) => h.source)).size;
        const notes = [
            `R5: ${control}`,
            `R5: searched ${texts} texts (${(bytes / 1024 / 1024).toFixed(1)} MB) from ${options.earlier.map((o) => o.row.scenario).join(", ") || "no scenario"} for ${secrets.length} secrets in ${seconds.toFixed(1)} s`,
            ...leaks.map((h) => `  LEAK: ${h.secret} in ${h.source}`),
            ...[...new Set(designed.map((h) => `  by design, not counted: ${h.secret} in ${h.source} (${h.byDesign})`))],
        ];
        const summary =
            secrets.length === 0
                ? "nothing to search: run it with other scenarios"
                : `${leaks.length} hits of ${secrets.length} secrets in ${texts} texts (${(bytes / 1024 / 1024).toFixed(1)} MB)`;
        return {
            row: {
                scenario: "R5 secrets",
                runs: texts,
                converged: texts - leakedTexts,
                lost: control.startsWith("CONTROL FAILED")
                    ? "the search itself (control failed)"
                    : leaks.length === 0
                      ? "nothing"
                      : `${leaks.length} leak${leaks.length === 1 ? "" : "s"}: ${[...new Set(leaks.map((h) => h.source))].slice(0, 3).join(", ")}`,
                figures: `${summary}${designed.length > 0 ? `; ${designed.length} by design (the emulator's own account store and banner)` : ""}`,
                ok: leaks.length === 0 && secrets.length > 0 && !control.startsWith("CONTROL FAILED"),
            },
            notes,
            produced: [],
            secrets: [],
        };
    },
};
