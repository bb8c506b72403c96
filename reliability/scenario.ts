// What every reliability scenario (R1 fault storm, R2 crash, R3 concurrency, R4 hostile input, R5 secrets) hands the
// runner: one row of the table, and everything it produced and every secret it used, so that R5 can search the
// first for the second once all the others have run.
import type { ProducedText, SecretUsed } from "../harness/secretSearch";

// What the secret search takes, named here too as the scenarios hand it over.
export type { ProducedText, SecretUsed };

/** One line of `npm run reliability`'s table. */
export interface Row {
    /** "R4 hostile input". */
    readonly scenario: string;
    /** How many runs (generated inputs, requests, rollouts) the scenario made. */
    readonly runs: number;
    /** How many of them ended as they must (converged, answered, rejected with a named field). */
    readonly converged: number;
    /** What was lost: "nothing", or what broke (a crash, a hang, a corrupt state file, a leaked key). */
    readonly lost: string;
    /** The measured figures, short ("slowest input 10 MB PEM junk: 180 ms; emulator RSS 60/95/70 MB"). */
    readonly figures: string;
    /** true when nothing was lost and every run converged. */
    readonly ok: boolean;
}

export interface Outcome {
    readonly row: Row;
    /** Extra lines printed under the table: findings, replay commands, per-part figures. */
    readonly notes: readonly string[];
    readonly produced: readonly ProducedText[];
    readonly secrets: readonly SecretUsed[];
}

export interface ScenarioOptions {
    /** fast-check's seed (and the seed of any other random draw), so that a run replays. */
    readonly seed: number;
    /** Replays one generated case: fast-check's counterexample path (with `property`). */
    readonly path?: string;
    /** With `path`: the property to replay. */
    readonly property?: string;
    /** Multiplies every run count (1: the figures; 0.1 for a quick look). */
    readonly scale: number;
    /** Everything the scenarios before this one returned (R5 searches it). */
    readonly earlier: readonly Outcome[];
    /** Progress lines (stderr): the table alone goes to stdout. */
    readonly progress: (line: string) => void;
}

export interface Scenario {
    /** Short id used by `--only` ("r4"). */
    readonly id: string;
    readonly name: string;
    run(options: ScenarioOptions): Promise<Outcome>;
}
