// A group's first sets go out in full calls. Each domain of a group runs the single resource's steps (read the
// domain, decide, set, confirm), all at once, and its set reaches the batching window (../batching.ts) when its own
// reads are done. Those reads end one after another, paced (the certificate read at 100/s; a state read of each
// domain's own, DCDN's DescribeDcdnDomainDetail at 30/s, in an account too large to page through), and a window of
// 100 ms catches only the sets that arrived within it: a group of 25 DCDN domains read at 30/s went out as 25 single
// calls on the test clock instead of 10 + 10 + 5. So a group holds each domain's first set until enough are held to
// fill one call of the service (its `setsPerCall`), and sends those together at once, while the later domains are
// still being read: a CDN group of 500 has its first batch call out after ten reads, not after all 500 (a hold for
// the whole group cost its create 3 s, 12.4 s against 15.3-15.8 s). What is left when every domain of the group has
// reached its set or finished without one goes out then; a service that does not say its call size has every set
// held until then.
//
// The hold is bounded by quiet, not by age: it ends when no domain of the group has reached its set or finished for
// GATHER_HOLD_MS. So a domain that is still reading (one waiting out another tool's change, for minutes) keeps the
// others' sets back at most that long after the last of them arrived, while a large group whose reads are paced
// (2000 DCDN domains read at 30/s take 67 s) keeps gathering for as long as its reads keep arriving, instead of
// sending the later two thirds one window at a time. On a test clock running many times real time, a bound counted
// from the first arrival was also outrun by the reads' own real latency (seen flaky).
//
// A set refused because the stored certificate it names is missing (deleted behind the run) is made again once the
// certificate is stored again (../storedCertificates withFreshStored): every domain of the group meets that refusal,
// so each such domain is waited for again, and the sets made again go out together as the first ones did.
import { systemClock, type Clock } from "../../clock";
import { codeOf } from "../errors";
import type { CertificateService, SetCertificateRequest, SetCertificateResult } from "../port";
import { SetDecorator } from "../serviceDecorator";
import { STORED_CERTIFICATE_MISSING } from "../storedCertificates";

/** How long the held sets wait for the group's next domain at most: short against minutes of configuring. */
export const GATHER_HOLD_MS = 30_000;

interface Held {
    readonly request: SetCertificateRequest;
    resolve(result: SetCertificateResult): void;
    reject(error: unknown): void;
}

/** The group's view of the product's service: the same service, with its domains' first sets gathered. */
export class SetGathering extends SetDecorator {
    /** Domains that have neither reached their (first, or made again) set nor finished. */
    private readonly waiting: Set<string>;
    private readonly held: Held[] = [];
    /** Ends the current quiet period's timer; replaced at every arrival. */
    private quiet = new AbortController();

    constructor(
        inner: CertificateService,
        domainNames: readonly string[],
        private readonly clock: Clock = systemClock,
        private readonly holdMs = GATHER_HOLD_MS,
    ) {
        super(inner);
        this.waiting = new Set(domainNames);
    }

    /**
     * A domain's first set waits for the group, and so does its set made again after the stored certificate was found
     * missing; any other later one (after a refusal: busy, configuring) goes straight on.
     */
    set(request: SetCertificateRequest): Promise<SetCertificateResult> {
        if (!this.waiting.delete(request.domainName)) return this.send(request);
        const gathered = new Promise<SetCertificateResult>((resolve, reject) => this.held.push({ request, resolve, reject }));
        this.arrived();
        return gathered;
    }

    /** The domain's steps ended (done, failed, or nothing to set): the group no longer waits for it. */
    finished(domainName: string): void {
        if (this.waiting.delete(domainName)) this.arrived();
    }

    /**
     * A domain reached its set or finished: release everything when it was the last, or else when the group stays
     * quiet; and, as soon as enough sets are held to fill a call, those sets at once, so that the first calls go out
     * while the later domains are still being read.
     */
    private arrived(): void {
        if (this.waiting.size === 0) {
            this.release();
            return;
        }
        const perCall = this.inner.setsPerCall;
        if (perCall !== undefined) {
            while (this.held.length >= perCall) this.sendTogether(this.held.splice(0, perCall));
        }
        // Every arrival ends the quiet period; a new one starts only while sets are held. A quiet period left running
        // after the held sets went out as a full call would end the gathering for the domains still to come.
        this.quiet.abort();
        if (this.held.length === 0) return;
        const quiet = new AbortController();
        this.quiet = quiet;
        void this.clock.sleep(this.holdMs, quiet.signal).then(() => {
            if (!quiet.signal.aborted) this.release();
        });
    }

    /** Sends every held set. */
    private release(): void {
        this.waiting.clear();
        this.quiet.abort();
        this.sendTogether(this.held.splice(0));
    }

    /** Sends these sets in one tick, so that those that may share a call meet in one batching window. */
    private sendTogether(sets: readonly Held[]): void {
        for (const { request, resolve, reject } of sets) this.send(request).then(resolve, reject);
    }

    /** The set itself; one refused for a missing stored certificate will be made again, and waited for again. */
    private async send(request: SetCertificateRequest): Promise<SetCertificateResult> {
        try {
            return await this.inner.set(request);
        } catch (error) {
            if (codeOf(error) === STORED_CERTIFICATE_MISSING) this.waiting.add(request.domainName);
            throw error;
        }
    }
}
