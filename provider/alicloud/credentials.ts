// Credentials, read at call time and never captured: from the provider config that `configure(req)` receives (the
// keys @pulumi/alicloud users already set), else @pulumi/alicloud's environment variables, else the SDK's default
// chain (ALIBABA_CLOUD_* variables, OIDC, CLI profile, credentials file, ECS metadata, credentials URI).
// The secret and the token live in private fields: not enumerable, not printed by util.inspect, not in JSON.

import Credential, { Config as CredentialConfig } from "@alicloud/credentials";
import { CredentialsError } from "./sdkErrors";
import type { ConfigSource } from "../config";

/** The stack config keys read from `configure(req)`'s config (the `alicloud` provider's own keys). */
export const CREDENTIAL_CONFIG_KEYS = {
    accessKey: "alicloud:accessKey",
    secretKey: "alicloud:secretKey",
    securityToken: "alicloud:securityToken",
    region: "alicloud:region",
} as const;

/** @pulumi/alicloud's environment variables, honoured the same way for users coming from it. */
export const CREDENTIAL_ENV_VARS = {
    accessKey: "ALICLOUD_ACCESS_KEY",
    secretKey: "ALICLOUD_SECRET_KEY",
    securityToken: "ALICLOUD_SECURITY_TOKEN",
    region: "ALICLOUD_REGION",
} as const;

const HOW_TO_CONFIGURE =
    "Set `pulumi config set alicloud:accessKey <AccessKey id>` and `pulumi config set --secret alicloud:secretKey " +
    "<AccessKey secret>` (and `pulumi config set --secret alicloud:securityToken <token>` for STS), or the environment " +
    "variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET.";

export type CredentialSourceName = "provider config" | "ALICLOUD_* environment" | "default chain";

/** What a call needs from the credentials besides the SDK object: nothing of it may be logged except the id. */
export interface CredentialIdentity {
    /** Not secret: it travels in clear in every request. Used to key the pacing per account. */
    readonly accessKeyId: string;
    /** Values to scrub from any message: the AccessKey secret and the security token. */
    readonly secrets: readonly string[];
}

export class AlicloudCredentials {
    readonly source: CredentialSourceName;
    /** `alicloud:region` (or ALICLOUD_REGION); informational, the endpoints are global. */
    readonly region?: string;
    readonly #makeCredential: () => Credential;
    #credential?: Credential;

    constructor(source: CredentialSourceName, makeCredential: () => Credential, region?: string) {
        this.source = source;
        this.region = region;
        this.#makeCredential = makeCredential;
    }

    /** The @alicloud/credentials client the SDK signs with; built on first use (the default chain reads files). */
    sdkCredential(): Credential {
        this.#credential ??= this.#makeCredential();
        return this.#credential;
    }

    /** Resolves the current credential (the chain caches and refreshes it). Throws CredentialsError with a fix. */
    async identity(): Promise<CredentialIdentity> {
        let model: Awaited<ReturnType<Credential["getCredential"]>>;
        try {
            model = await this.sdkCredential().getCredential();
        } catch (error) {
            const detail = error instanceof Error ? error.message : String(error);
            throw new CredentialsError(`no Alibaba Cloud credentials from the ${this.source} (${detail}). ${HOW_TO_CONFIGURE}`);
        }
        if (!model.accessKeyId || !model.accessKeySecret) {
            throw new CredentialsError(`the ${this.source} yielded no AccessKey. ${HOW_TO_CONFIGURE}`);
        }
        const secrets = [model.accessKeySecret, model.securityToken].filter((value): value is string => !!value);
        return { accessKeyId: model.accessKeyId, secrets };
    }

    /** Keeps the secret out of logs that print the object. */
    toJSON(): object {
        return { source: this.source, region: this.region };
    }
}

export interface StaticCredentialValues {
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    readonly securityToken?: string;
    readonly region?: string;
}

/** Credentials from known values (an AccessKey pair, or an STS triple). */
export function staticCredentials(values: StaticCredentialValues, source: CredentialSourceName = "provider config"): AlicloudCredentials {
    const { accessKeyId, accessKeySecret, securityToken } = values;
    return new AlicloudCredentials(
        source,
        () =>
            new Credential(
                new CredentialConfig({
                    type: securityToken ? "sts" : "access_key",
                    accessKeyId,
                    accessKeySecret,
                    securityToken,
                }),
            ),
        values.region,
    );
}

function nonEmpty(value: string | undefined): string | undefined {
    const trimmed = value?.trim();
    return trimmed ? trimmed : undefined;
}

/**
 * Picks the credential source: the provider config if it names an AccessKey, else ALICLOUD_ACCESS_KEY /
 * ALICLOUD_SECRET_KEY, else the SDK's default chain. Half a pair (an id without a secret) is an error naming the
 * missing key, rather than a silent fall-through to another account's credentials.
 */
export function resolveCredentials(config?: ConfigSource, env: NodeJS.ProcessEnv = process.env): AlicloudCredentials {
    const region = nonEmpty(config?.get(CREDENTIAL_CONFIG_KEYS.region)) ?? nonEmpty(env[CREDENTIAL_ENV_VARS.region]);

    const fromConfig = {
        accessKeyId: nonEmpty(config?.get(CREDENTIAL_CONFIG_KEYS.accessKey)),
        accessKeySecret: nonEmpty(config?.get(CREDENTIAL_CONFIG_KEYS.secretKey)),
        securityToken: nonEmpty(config?.get(CREDENTIAL_CONFIG_KEYS.securityToken)),
    };
    if (fromConfig.accessKeyId || fromConfig.accessKeySecret) {
        if (!fromConfig.accessKeyId) {
            throw new CredentialsError(
                `stack config ${CREDENTIAL_CONFIG_KEYS.secretKey} is set but ${CREDENTIAL_CONFIG_KEYS.accessKey} is not: ` +
                    "run `pulumi config set alicloud:accessKey <AccessKey id>`.",
            );
        }
        if (!fromConfig.accessKeySecret) {
            throw new CredentialsError(
                `stack config ${CREDENTIAL_CONFIG_KEYS.accessKey} is set but ${CREDENTIAL_CONFIG_KEYS.secretKey} is not: ` +
                    "run `pulumi config set --secret alicloud:secretKey <AccessKey secret>`.",
            );
        }
        return staticCredentials({ ...fromConfig, accessKeyId: fromConfig.accessKeyId, accessKeySecret: fromConfig.accessKeySecret, region });
    }

    const fromEnv = {
        accessKeyId: nonEmpty(env[CREDENTIAL_ENV_VARS.accessKey]),
        accessKeySecret: nonEmpty(env[CREDENTIAL_ENV_VARS.secretKey]),
        securityToken: nonEmpty(env[CREDENTIAL_ENV_VARS.securityToken]),
    };
    if (fromEnv.accessKeyId || fromEnv.accessKeySecret) {
        if (!fromEnv.accessKeyId || !fromEnv.accessKeySecret) {
            const missing = fromEnv.accessKeyId ? CREDENTIAL_ENV_VARS.secretKey : CREDENTIAL_ENV_VARS.accessKey;
            throw new CredentialsError(`the environment sets only half of an AccessKey: ${missing} is missing.`);
        }
        return staticCredentials({ ...fromEnv, accessKeyId: fromEnv.accessKeyId, accessKeySecret: fromEnv.accessKeySecret, region }, "ALICLOUD_* environment");
    }

    // No config: @alicloud/credentials with no config runs its default chain.
    return new AlicloudCredentials("default chain", () => new Credential(), region);
}
