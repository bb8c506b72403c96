// What GET /__emulator/requests returns: one entry per API request, in arrival order. Built only from names and
// outcomes: never a parameter value, a URL, a header or key material.
export interface RequestLogEntry {
    /** ISO time the request arrived. */
    readonly time: string;
    readonly requestId: string;
    /** The access key the request claimed (possibly unknown); absent when it named none. */
    readonly accessKeyId?: string;
    readonly action?: string;
    /** Domain names the request addressed (DomainName, split on commas for the batch action). */
    readonly domains: readonly string[];
    /** A set action's CertType, as sent (upload, cas or free); absent when the set sent none (or another value). */
    readonly certType?: string;
    /** HTTP status answered; 0 when no answer was sent (an injected hang or dropped connection). */
    readonly status: number;
    /** The error code answered, if any. */
    readonly code?: string;
    /** The injected fault that shaped this answer, if any. */
    readonly fault?: string;
}

/** Keeps the newest entries only, so a long-running demo does not grow without bound. */
const MAX_ENTRIES = 10_000;

export class RequestLog {
    private entries: RequestLogEntry[] = [];

    add(entry: RequestLogEntry): void {
        this.entries.push(entry);
        if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    }

    list(): readonly RequestLogEntry[] {
        return this.entries;
    }

    clear(): void {
        this.entries = [];
    }
}
