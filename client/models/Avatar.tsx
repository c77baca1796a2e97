import { createResource, Show } from 'solid-js';
import { useRepo } from '../repo/repo-context.tsx';
import { blobDataUrl } from './blobs.ts';

/** The sizes styles.css knows (`.avatar-24` …): sizes are classes, never inline styles, which the CSP blocks in saved views. */
export type AvatarSize = 24 | 40 | 96;

/** A preset's picture, or its initial on a coloured disc when it has none. */
export function Avatar(props: { url: string | null; name: string; size?: AvatarSize }) {
  const { repo } = useRepo();
  const [src] = createResource(() => props.url ?? undefined, (u) => blobDataUrl(repo, u));
  const size = () => props.size ?? 40;
  return (
    <Show
      when={src()}
      fallback={
        <span class={`avatar avatar-fallback avatar-${size()}`} aria-hidden="true">
          {(props.name.trim()[0] ?? '?').toUpperCase()}
        </span>
      }
    >
      {(s) => <img class={`avatar avatar-${size()}`} src={s()} alt="" width={size()} height={size()} />}
    </Show>
  );
}
