/** Types of relay-build.mjs (plain JavaScript so that scripts/start.mjs runs it without tsx). */
export declare const RELAY_NODE_OPTIONS: readonly string[];
export declare function compileRelay(root: string, outfile?: string): Promise<string>;
