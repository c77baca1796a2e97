/**
 * Shell lines shown by the diagnosis (code, not prose: the same in every language).
 * Pure, so the exact text the person copies is unit-tested.
 */

/** The line to start Ollama with so that it answers this app: `OLLAMA_ORIGINS=https://atelier.example`. */
export function originsLine(origin: string): string {
  return `OLLAMA_ORIGINS=${origin}`;
}

/** macOS, Ollama app: set for launchd, then restart the app. */
export function macosOriginsCommand(origin: string): string {
  return `launchctl setenv OLLAMA_ORIGINS "${origin}"`;
}

/** Linux, systemd: the override lines to add with `systemctl edit ollama.service`. */
export function systemdOriginsLines(origin: string): string {
  return `[Service]\nEnvironment="OLLAMA_ORIGINS=${origin}"`;
}

/** Any system, from a terminal. */
export function serveWithOriginsCommand(origin: string): string {
  return `OLLAMA_ORIGINS=${origin} ollama serve`;
}
