// The percent-encoding both Alibaba signature versions use: RFC 3986 unreserved characters stay, everything else
// is %XX. encodeURIComponent leaves ! ' ( ) * alone, so those are finished by hand.
export function acsEncode(value: string): string {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `k=v&k=v` over the parameters sorted by key (code-unit order, which is what the SDK's sort() produces). */
export function canonicalParameters(params: ReadonlyMap<string, string>): string {
    return [...params.keys()]
        .sort()
        .map((key) => `${acsEncode(key)}=${acsEncode(params.get(key) ?? "")}`)
        .join("&");
}
