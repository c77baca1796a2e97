import { createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import { isValidAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo';
import { newId } from '../../../shared/schema/ids.ts';
import type { LiveHub } from './hub.ts';

/*
 * Is this conversation open on another device of the account right now? Each tab showing it
 * says so over the ephemeral channel when it opens it (asking the others to answer), every
 * HERE_MS while it stays, and when it leaves; a device not heard of for GONE_AFTER_MS (it went
 * offline without a word) no longer counts. The relay's presence frames only count connected
 * devices, not what they show.
 */

export const HERE_MS = 20_000;
const GONE_AFTER_MS = 2.5 * HERE_MS;

export function createOpenElsewhere(hub: LiveHub | undefined, url: Accessor<string | undefined>): Accessor<boolean> {
  const [others, setOthers] = createSignal<ReadonlyMap<string, number>>(new Map());
  const tab = newId();
  const docOf = (u: string | undefined) => (u && isValidAutomergeUrl(u) ? parseAutomergeUrl(u).documentId : undefined);
  const say = (doc: string, open: boolean, ask: boolean) => hub?.send(doc, { k: 'atelier/answer-live', t: 'here', tab, open, ask });

  const expire = () => {
    const now = Date.now();
    const kept = new Map([...others()].filter(([, at]) => now - at < GONE_AFTER_MS));
    if (kept.size !== others().size) setOthers(kept);
  };

  createEffect(
    on(
      () => docOf(url()),
      (doc) => {
        setOthers(new Map());
        if (!doc || !hub) return;
        say(doc, true, true);
        const beat = setInterval(() => {
          say(doc, true, false);
          expire();
        }, HERE_MS);
        const off = hub.listen((d, m, origin) => {
          if (d !== doc || m.t !== 'here' || origin !== 'device') return;
          const next = new Map(others());
          if (m.open) next.set(m.tab, Date.now());
          else next.delete(m.tab);
          setOthers(next);
          if (m.ask) say(doc, true, false);
        });
        // another conversation opened, or the page left: say so at once
        onCleanup(() => {
          clearInterval(beat);
          off();
          say(doc, false, false);
        });
      },
    ),
  );
  return () => others().size > 0;
}
