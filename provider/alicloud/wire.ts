// What goes on the wire and what comes back, driven by the product table: the query of a set call, and the mapping
// of the two describe responses to the port's DeployedCertificate. Pure functions; both adapters use them.

import type { DeployedCertificate, SetCertificateRequest, SslStatus } from "../lifecycle/port";
import type { CertificateInfoShape, DomainDetailShape, DomainListingShape, SetParamNames } from "../products";

/** A JSON object as the API returns it (PascalCase keys). */
export type JsonObject = { readonly [key: string]: unknown };

/** The certificate part of a set call; the domain(s) are added by the caller (one domain, or a comma list). */
export type SetCertificateFields = Omit<SetCertificateRequest, "domainName">;

/**
 * The complete query of one set call: every parameter the action takes, every time, never only the changed ones
 * (the API treats an absent certificate as "no certificate"). Parameters the action does not take (`params` has
 * no name for them, e.g. ForceSet on SetCdnDomainSSLCertificate) are not sent. Empty values are not sent.
 */
export function buildSetQuery(params: SetParamNames, domainNames: string, fields: SetCertificateFields): Record<string, string> {
    const query: Record<string, string> = {
        [params.domainName]: domainNames,
        [params.status]: fields.status,
        [params.certType]: fields.certType,
    };
    const optional: [string | undefined, string | undefined][] = [
        [params.certName, fields.certName],
        [params.certificate, fields.certificate],
        [params.privateKey, fields.privateKey],
        [params.certId, fields.certId],
        [params.certRegion, fields.certRegion],
        [params.forceSet, fields.forceSet === undefined ? undefined : fields.forceSet ? "1" : "0"],
    ];
    for (const [name, value] of optional) {
        if (name !== undefined && value !== undefined && value !== "") query[name] = value;
    }
    return query;
}

/** The value at `path` inside a JSON object, or undefined. */
export function valueAt(body: unknown, path: readonly string[]): unknown {
    let current: unknown = body;
    for (const key of path) {
        if (typeof current !== "object" || current === null) return undefined;
        current = (current as JsonObject)[key];
    }
    return current;
}

function stringAt(body: unknown, key: string | undefined): string | undefined {
    if (key === undefined) return undefined;
    const value = valueAt(body, [key]);
    if (typeof value === "number") return String(value);
    return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The entry of a describe-certificate response that belongs to `domainName`. The list normally holds exactly that
 * domain; matching by name guards against an API that answers for a wildcard parent as well.
 */
export function certificateEntry(shape: CertificateInfoShape, domainName: string, body: unknown): JsonObject | undefined {
    const list = valueAt(body, shape.listPath);
    const entries = (Array.isArray(list) ? list : list === undefined || list === null ? [] : [list]).filter(
        (entry): entry is JsonObject => typeof entry === "object" && entry !== null,
    );
    const wanted = domainName.toLowerCase();
    return entries.find((entry) => stringAt(entry, shape.domainName)?.toLowerCase() === wanted) ?? entries[0];
}

/**
 * The certificate read as the lifecycle compares it: status, PEM, name, type, id and `Status`, plus the domain's own
 * state when it was read (`domainStatus`). No certificate entry means HTTPS is off.
 */
export function toDeployedCertificate(
    shapes: { readonly certificateInfo: CertificateInfoShape },
    domainName: string,
    certificateInfoBody: unknown,
    domainStatus?: string,
): DeployedCertificate {
    const entry = certificateEntry(shapes.certificateInfo, domainName, certificateInfoBody);
    const shape = shapes.certificateInfo;
    const status: SslStatus = stringAt(entry, shape.status)?.toLowerCase() === "on" ? "on" : "off";
    return dropUndefined({
        domainName,
        status,
        // Passed on whenever the API returns one: with HTTPS off it is the certificate that would come back on.
        certificatePem: stringAt(entry, shape.certificatePem),
        certName: stringAt(entry, shape.certName),
        certType: stringAt(entry, shape.certType),
        certId: stringAt(entry, shape.certId),
        certificateStatus: stringAt(entry, shape.certificateStatus),
        domainStatus,
    });
}

/** The state in a describe-domain response ("unknown" when the answer has none). */
export function domainStatusFromDetail(shape: DomainDetailShape, body: unknown): string {
    return stringAt(valueAt(body, shape.objectPath), shape.domainStatus) ?? "unknown";
}

/** Each listed domain's state, by lower-case name, from a domain listing's response. */
export function domainStatesFromListing(shape: DomainListingShape, body: unknown): Map<string, string> {
    const list = valueAt(body, shape.listPath);
    const states = new Map<string, string>();
    for (const entry of Array.isArray(list) ? list : []) {
        const name = stringAt(entry, shape.domainName)?.toLowerCase();
        if (name !== undefined) states.set(name, stringAt(entry, shape.domainStatus) ?? "unknown");
    }
    return states;
}

function dropUndefined<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
