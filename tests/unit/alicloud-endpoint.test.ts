// Endpoint resolution: stack config over environment over the public default; only host[:port] or a bare URL.
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { EndpointError, parseEndpoint, resolveEndpoint } from "../../provider/alicloud/endpoint";
import { configFromRecord } from "../../provider/config";
import { CDN, DCDN, LIVE } from "../../provider/products";

describe("parseEndpoint", () => {
    const accepted: [string, string, "http" | "https"][] = [
        ["cdn.aliyuncs.com", "cdn.aliyuncs.com", "https"],
        ["CDN.Aliyuncs.com", "cdn.aliyuncs.com", "https"],
        ["127.0.0.1:8080", "127.0.0.1:8080", "https"],
        ["localhost:1", "localhost:1", "https"],
        ["http://127.0.0.1:54321", "127.0.0.1:54321", "http"],
        ["http://127.0.0.1:54321/", "127.0.0.1:54321", "http"],
        ["HTTPS://live.aliyuncs.com", "live.aliyuncs.com", "https"],
        ["https://cdn.ap-southeast-1.aliyuncs.com:443", "cdn.ap-southeast-1.aliyuncs.com:443", "https"],
        ["  http://[::1]:9000  ", "[::1]:9000", "http"],
    ];
    for (const [input, host, protocol] of accepted) {
        it(`GIVEN ${JSON.stringify(input)} THEN ${protocol}://${host}`, () => {
            assert.deepEqual(parseEndpoint(input, "X"), { host, protocol });
        });
    }

    const rejected: [string, RegExp][] = [
        ["http://127.0.0.1:8080/api", /path/],
        ["cdn.aliyuncs.com/x", /path/],
        ["https://host?x=1", /path, query/],
        ["ftp://cdn.aliyuncs.com", /scheme ftp/],
        ["http://user:pw@host", /credentials|not a valid host/],
        ["not a host", /not a valid host/],
        ["host:99999", /out of range|not a valid/],
        ["host:", /not a valid host/],
        ["http://", /no host/],
        ["-bad-.com", /not a valid host/],
    ];
    for (const [input, why] of rejected) {
        it(`GIVEN ${JSON.stringify(input)} THEN an EndpointError naming the origin`, () => {
            assert.throws(
                () => parseEndpoint(input, "stack config alicloud-certs:cdnEndpoint"),
                (error: unknown) =>
                    error instanceof EndpointError && error.message.startsWith("stack config alicloud-certs:cdnEndpoint must be") && why.test(error.message),
            );
        });
    }
});

describe("resolveEndpoint", () => {
    it("DCDN: alicloud-certs:dcdnEndpoint over ALICLOUD_DCDN_ENDPOINT, and neither of the other products' keys", () => {
        assert.deepEqual(resolveEndpoint(DCDN, undefined, { ALICLOUD_DCDN_ENDPOINT: "http://127.0.0.1:7001" }), {
            host: "127.0.0.1:7001",
            protocol: "http",
            source: "ALICLOUD_DCDN_ENDPOINT",
        });
        const config = configFromRecord({ "alicloud-certs:dcdnEndpoint": "http://127.0.0.1:9001", "alicloud-certs:cdnEndpoint": "http://127.0.0.1:1" });
        assert.deepEqual(resolveEndpoint(DCDN, config, { ALICLOUD_DCDN_ENDPOINT: "http://127.0.0.1:2" }), {
            host: "127.0.0.1:9001",
            protocol: "http",
            source: "alicloud-certs:dcdnEndpoint",
        });
        assert.equal(
            resolveEndpoint(DCDN, configFromRecord({ "alicloud-certs:cdnEndpoint": "http://127.0.0.1:1" }), { ALICLOUD_CDN_ENDPOINT: "http://127.0.0.1:1" })
                .source,
            "default",
        );
    });

    it("GIVEN nothing THEN the product's public endpoint over HTTPS", () => {
        assert.deepEqual(resolveEndpoint(CDN, undefined, {}), { host: "cdn.aliyuncs.com", protocol: "https", source: "default" });
        assert.deepEqual(resolveEndpoint(LIVE, configFromRecord({}), {}), { host: "live.aliyuncs.com", protocol: "https", source: "default" });
        assert.deepEqual(resolveEndpoint(DCDN, undefined, {}), { host: "dcdn.aliyuncs.com", protocol: "https", source: "default" });
    });
    it("GIVEN the environment variable THEN it is used", () => {
        const endpoint = resolveEndpoint(LIVE, undefined, { ALICLOUD_LIVE_ENDPOINT: "http://127.0.0.1:7000" });
        assert.deepEqual(endpoint, { host: "127.0.0.1:7000", protocol: "http", source: "ALICLOUD_LIVE_ENDPOINT" });
    });
    it("GIVEN stack config and environment THEN stack config wins", () => {
        const config = configFromRecord({ "alicloud-certs:cdnEndpoint": "http://127.0.0.1:9000" });
        const endpoint = resolveEndpoint(CDN, config, { ALICLOUD_CDN_ENDPOINT: "http://127.0.0.1:1" });
        assert.deepEqual(endpoint, { host: "127.0.0.1:9000", protocol: "http", source: "alicloud-certs:cdnEndpoint" });
    });
    it("GIVEN the other product's variable THEN it is ignored", () => {
        assert.equal(resolveEndpoint(CDN, undefined, { ALICLOUD_LIVE_ENDPOINT: "http://127.0.0.1:1" }).source, "default");
    });
    it("GIVEN empty values THEN they count as unset", () => {
        const config = configFromRecord({ "alicloud-certs:cdnEndpoint": "  " });
        assert.equal(resolveEndpoint(CDN, config, { ALICLOUD_CDN_ENDPOINT: "" }).source, "default");
    });
    it("GIVEN a bad environment value THEN the error names the variable", () => {
        assert.throws(() => resolveEndpoint(CDN, undefined, { ALICLOUD_CDN_ENDPOINT: "http://x/y" }), /environment variable ALICLOUD_CDN_ENDPOINT/);
    });
});
