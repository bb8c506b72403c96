// What Pulumi writes into every resource's state as `__provider`, serialized exactly as dynamic.Resource does it.
// It must hold no credential, no key, no implementation code, and stay the same whatever the implementation does.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { serializedProviderFor } from "../../provider/resources/serializedProvider";

async function serialize(product: "cdn" | "live"): Promise<string> {
    const provider = serializedProviderFor(product);
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    assert.equal(serialized.containsSecrets, false);
    return serialized.text;
}

describe("__provider", () => {
    it("loads the implementation by package name and carries only the product id", async () => {
        const text = await serialize("cdn");
        assert.ok(text.includes('require("pulumi-alicloud-certs/runtime")'), text);
        assert.ok(text.includes('product: "cdn"'), text);
        // Seven one-line stubs plus the serializer's wrapping: about 2 KB. Any captured implementation would be far larger.
        assert.ok(text.length < 4096, `__provider is ${text.length} bytes`);
    });

    it("holds no credential, key or implementation, even with credentials in the environment", async () => {
        const saved = { ...process.env };
        process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = "LTAIserializationProbeId";
        process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = "serializationProbeSecretValue";
        try {
            const text = await serialize("live");
            for (const forbidden of [
                "LTAIserializationProbeId",
                "serializationProbeSecretValue",
                "PRIVATE KEY",
                "SetLiveDomainCertificate", // the product table
                "checkInputs", // the lifecycle
                "@alicloud", // the SDK
                "process.env",
            ]) {
                assert.ok(!text.includes(forbidden), `__provider contains ${forbidden}`);
            }
        } finally {
            process.env = saved;
        }
    });

    it("is the same object for every resource of a product, and differs between products only in the id", async () => {
        assert.equal(serializedProviderFor("cdn"), serializedProviderFor("cdn"));
        const cdn = await serialize("cdn");
        const live = await serialize("live");
        assert.equal(cdn.replace('product: "cdn"', 'product: "live"'), live);
    });
});
