/** Types of relay-build.mjs (plain JavaScript so that scripts/start.mjs runs it without tsx). */
export declare const RELAY_NODE_OPTIONS: readonly string[];
export declare function compileRelay(root: string, outfile?: string, entry?: string): Promise<string>;
export declare const RELAY_ENV: Readonly<Record<string, string>>;
export declare function relayEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export declare const FORBIDDEN_IN_RELAY: readonly RegExp[];
