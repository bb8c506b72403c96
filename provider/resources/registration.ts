// Registering a resource without the cost and the noise of the stacks @pulumi/pulumi captures, for every resource
// class of this package (the single resources and the groups).
//
// Registering a resource, @pulumi/pulumi makes four promises per property and gives each the stack of a new Error
// (debuggable.ts, kept only for its promise-leak report). Under ts-node, which every TypeScript program runs with,
// each of those stacks is source-mapped: for a certificate resource's 14 properties that was 3.1 s of the program's
// 8.8 s of CPU in a preview of 500. No stack is captured while a constructor registers; the leak report still names
// the resource and property. The one stack Pulumi does take (it raises the limit itself), for the source position
// and stack trace it records with the resource, leaves out this package's frames.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/**
 * The resource's own URN, which the engine does not hand a dynamic provider (its check refuses a domain two
 * resources claim; a group shows its progress on it). A `parent` that is not a resource is left to registration,
 * which refuses it with its own message; given to createUrn it would only add an unhandled rejection.
 */
export function ownUrn(name: string, type: string, opts: pulumi.CustomResourceOptions | undefined): pulumi.Output<string> {
    const parent = pulumi.Resource.isInstance(opts?.parent) ? opts?.parent : undefined;
    return pulumi.createUrn(name, `pulumi-nodejs:dynamic/alicloud-certs:${type}`, parent);
}

/**
 * The outputs every certificate resource reports: the served (or declared) leaf's details, and the certificate
 * service's entry it is deployed from with any replaced ones still to delete.
 */
export const LEAF_OUTPUTS = [
    "status",
    "fingerprint",
    "chainFingerprint",
    "notBefore",
    "notAfter",
    "subject",
    "issuer",
    "serialNumber",
    "dnsNames",
    "storedCertificate",
    "pendingCleanup",
] as const;

/**
 * What a certificate resource registers: its args with the certificate and key made secret whatever the user
 * passed (a key read from a file is a plain string until it is wrapped), and its output properties declared; and
 * its options, with the key and certificate secret in the outputs too.
 */
export function certificateRegistration<A extends { certificate?: pulumi.Input<string>; privateKey?: pulumi.Input<string> }>(
    args: A,
    outputs: readonly string[],
    opts: pulumi.CustomResourceOptions | undefined,
): { props: Record<string, unknown>; opts: pulumi.CustomResourceOptions } {
    const props: Record<string, unknown> = Object.fromEntries(outputs.map((key) => [key, undefined]));
    Object.assign(props, args, {
        privateKey: args.privateKey === undefined ? undefined : pulumi.secret(args.privateKey),
        certificate: args.certificate === undefined ? undefined : pulumi.secret(args.certificate),
    });
    return { props, opts: { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "privateKey", "certificate"] } };
}

export interface QuietRegistration {
    /** Puts the stack settings back (idempotent). */
    restore(): void;
    /** For an error thrown while registering: the settings back, and the stack it would have had, from `above` down. */
    // biome-ignore lint/complexity/noBannedTypes: Error.captureStackTrace takes a Function, and the resource classes' constructors are protected
    failed(error: unknown, above: Function): void;
}

/** Call right before `super(...)` in a resource constructor; `restore()` in a `finally`, `failed()` in a `catch`. */
export function quietRegistration(): QuietRegistration {
    const stackTraceLimit = Error.stackTraceLimit;
    const prepareStackTrace = Error.prepareStackTrace;
    const restore = () => {
        Error.stackTraceLimit = stackTraceLimit;
        Error.prepareStackTrace = prepareStackTrace;
    };
    Error.stackTraceLimit = 0;
    Error.prepareStackTrace = withoutResourceClassFrames(prepareStackTrace);
    return {
        restore,
        failed(error, above) {
            restore();
            if (error instanceof Error) Error.captureStackTrace(error, above);
        },
    };
}

/** This directory: the resource classes, whose constructors are on the stack of every registration. */
const RESOURCE_CLASSES_DIR = __dirname;

/**
 * Pulumi records with each resource a source position and a stack trace, from a fixed number of frames above its own
 * constructor (resource.ts, `Resource.stackTrace(4)`). For a resource class of a package, that is the package's
 * constructor: every certificate resource of a stack would point at this file instead of the user's
 * `new DomainCertificate(...)` line, and carry two frames of ours (400 of the 5.6 KB of state per resource in the
 * bench, written at every checkpoint). Leaving those frames out of the stacks formatted during registration puts the
 * user's line first.
 */
type StackFormatter = NonNullable<typeof Error.prepareStackTrace>;

function withoutResourceClassFrames(format: typeof Error.prepareStackTrace): StackFormatter {
    return (error, frames) => {
        const outside = frames.filter((frame) => {
            const file = frame.getFileName();
            return file === undefined || file === null || path.dirname(file) !== RESOURCE_CLASSES_DIR;
        });
        // Without a formatter installed (source-map-support installs one), V8's own format: the error, then frames.
        if (format) return format(error, outside);
        return [String(error), ...outside.map((frame) => `    at ${frame}`)].join("\n");
    };
}
