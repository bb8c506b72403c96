// Credential resolution: provider config, then ALICLOUD_* variables, then the SDK's default chain; never printed.
import { strict as assert } from "node:assert";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import { resolveCredentials } from "../../provider/alicloud/credentials";
import { configFromRecord } from "../../provider/config";
import { CredentialsError } from "../../provider/alicloud/sdkErrors";

const SECRET = "the-secret-that-must-not-show";
const TOKEN = "sts-token-that-must-not-show";

/** Runs `body` with some process.env variables replaced (the SDK's default chain reads process.env itself). */
async function withProcessEnv(vars: Record<string, string | undefined>, body: () => Promise<void>): Promise<void> {
    const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
    const apply = (values: Record<string, string | undefined>) => {
        for (const [key, value] of Object.entries(values)) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
        }
    };
    apply(vars);
    try {
        await body();
    } finally {
        apply(saved);
    }
}

const NO_SDK_ENV = {
    ALIBABA_CLOUD_ACCESS_KEY_ID: undefined,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: undefined,
    ALIBABA_CLOUD_SECURITY_TOKEN: undefined,
    ALIBABA_CLOUD_ROLE_ARN: undefined,
    ALIBABA_CLOUD_OIDC_PROVIDER_ARN: undefined,
    ALIBABA_CLOUD_OIDC_TOKEN_FILE: undefined,
    ALIBABA_CLOUD_CREDENTIALS_URI: undefined,
    ALIBABA_CLOUD_PROFILE: undefined,
    ALIBABA_CLOUD_CONFIG_FILE: "/nonexistent/config.json",
    ALIBABA_CLOUD_CREDENTIALS_FILE: "/nonexistent/credentials",
    ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true",
};

describe("resolveCredentials", () => {
    it("GIVEN alicloud:accessKey and alicloud:secretKey THEN static credentials from the provider config", async () => {
        const config = configFromRecord({ "alicloud:accessKey": "LTAI-config", "alicloud:secretKey": SECRET, "alicloud:region": "cn-hangzhou" });
        const credentials = resolveCredentials(config, {});
        assert.equal(credentials.source, "provider config");
        assert.equal(credentials.region, "cn-hangzhou");
        assert.deepEqual(await credentials.identity(), { accessKeyId: "LTAI-config", secrets: [SECRET] });
    });

    it("GIVEN a security token THEN STS credentials, the token among the secrets", async () => {
        const config = configFromRecord({ "alicloud:accessKey": "STS.id", "alicloud:secretKey": SECRET, "alicloud:securityToken": TOKEN });
        const credentials = resolveCredentials(config, {});
        assert.deepEqual(await credentials.identity(), { accessKeyId: "STS.id", secrets: [SECRET, TOKEN] });
        const model = await credentials.sdkCredential().getCredential();
        assert.equal(model.type, "sts");
    });

    it("GIVEN only alicloud:accessKey THEN an error telling to set alicloud:secretKey as a secret", () => {
        const config = configFromRecord({ "alicloud:accessKey": "LTAI-config" });
        assert.throws(
            () => resolveCredentials(config, {}),
            (error: unknown) => error instanceof CredentialsError && /pulumi config set --secret alicloud:secretKey/.test(error.message),
        );
    });

    it("GIVEN only alicloud:secretKey THEN an error telling to set alicloud:accessKey, without the secret", () => {
        const config = configFromRecord({ "alicloud:secretKey": SECRET });
        assert.throws(
            () => resolveCredentials(config, {}),
            (error: unknown) => error instanceof CredentialsError && /alicloud:accessKey/.test(error.message) && !error.message.includes(SECRET),
        );
    });

    it("GIVEN no config but ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY THEN those", async () => {
        const credentials = resolveCredentials(undefined, { ALICLOUD_ACCESS_KEY: "LTAI-env", ALICLOUD_SECRET_KEY: SECRET, ALICLOUD_REGION: "ap-southeast-1" });
        assert.equal(credentials.source, "ALICLOUD_* environment");
        assert.equal(credentials.region, "ap-southeast-1");
        assert.equal((await credentials.identity()).accessKeyId, "LTAI-env");
    });

    it("GIVEN config and ALICLOUD_* variables THEN the config wins", async () => {
        const config = configFromRecord({ "alicloud:accessKey": "LTAI-config", "alicloud:secretKey": SECRET });
        const credentials = resolveCredentials(config, { ALICLOUD_ACCESS_KEY: "LTAI-env", ALICLOUD_SECRET_KEY: "x" });
        assert.equal((await credentials.identity()).accessKeyId, "LTAI-config");
    });

    it("GIVEN half an ALICLOUD_* pair THEN an error naming the missing variable", () => {
        assert.throws(() => resolveCredentials(undefined, { ALICLOUD_ACCESS_KEY: "LTAI-env" }), /ALICLOUD_SECRET_KEY is missing/);
    });

    it("GIVEN nothing but ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET THEN the SDK's default chain finds them", async () => {
        await withProcessEnv({ ...NO_SDK_ENV, ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAI-chain", ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET }, async () => {
            const credentials = resolveCredentials(undefined, {});
            assert.equal(credentials.source, "default chain");
            assert.deepEqual(await credentials.identity(), { accessKeyId: "LTAI-chain", secrets: [SECRET] });
        });
    });

    it("GIVEN no credentials anywhere THEN identity() fails with what to set", async () => {
        await withProcessEnv(NO_SDK_ENV, async () => {
            const credentials = resolveCredentials(undefined, {});
            await assert.rejects(
                credentials.identity(),
                (error: unknown) =>
                    error instanceof CredentialsError &&
                    /pulumi config set alicloud:accessKey/.test(error.message) &&
                    /pulumi config set --secret alicloud:secretKey/.test(error.message) &&
                    /ALIBABA_CLOUD_ACCESS_KEY_ID/.test(error.message),
            );
        });
    });

    it("GIVEN credentials THEN neither JSON nor inspect nor the keys of the object show the secret", async () => {
        const config = configFromRecord({ "alicloud:accessKey": "LTAI-config", "alicloud:secretKey": SECRET, "alicloud:securityToken": TOKEN });
        const credentials = resolveCredentials(config, {});
        await credentials.identity();
        for (const rendering of [JSON.stringify(credentials), inspect(credentials, { depth: 10, showHidden: true }), Object.keys(credentials).join()]) {
            assert.ok(!rendering.includes(SECRET) && !rendering.includes(TOKEN), rendering);
        }
    });
});
