/**
 * The base64 SHA-256 of the tools' sandbox frame script (shared/tools/sandbox-host.ts), computed
 * at start-up from the same constant the client embeds: the app's script-src lists it, so that
 * one inline script (and no other) runs in the frame. The Vite build defines the same value for
 * the client (vite.config.ts), which puts it in the frame's own policy.
 */
import { createHash } from 'node:crypto';
import { SANDBOX_HOST_SCRIPT } from '../shared/tools/sandbox-host.ts';

export const SANDBOX_HOST_SHA256 = createHash('sha256').update(SANDBOX_HOST_SCRIPT, 'utf8').digest('base64');
