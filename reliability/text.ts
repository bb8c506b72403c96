// Text helpers shared by R4's secret property and R5's search.
import { isBase64Code } from "../provider/certificate/quote";

/**
 * The runs of base64 characters at least `min` long: pieces of a PEM body rather than words. A loop, not a regex:
 * V8's regex engine overflows its stack on a quantified class over a megabyte-long run (a reason that echoes a
 * 1 MB value), the very defect issue #13 found in pem.ts.
 */
export function base64Runs(text: string, min: number): string[] {
    const runs: string[] = [];
    let start = -1;
    for (let i = 0; i <= text.length; i++) {
        const inside = i < text.length && isBase64Code(text.charCodeAt(i));
        if (inside && start < 0) start = i;
        else if (!inside && start >= 0) {
            if (i - start >= min) runs.push(text.slice(start, i));
            start = -1;
        }
    }
    return runs;
}

