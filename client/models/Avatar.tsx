import { createResource, Show } from 'solid-js';
import { useWorkspace } from '../repo/workspace-context.tsx';
import { blobDataUrl } from './blobs.ts';

/** A preset's picture, or its initial on a coloured disc when it has none. */
export function Avatar(props: { url: string | null; name: string; size?: number }) {
  const { repo } = useWorkspace();
  const [src] = createResource(() => props.url ?? undefined, (u) => blobDataUrl(repo, u));
  const size = () => props.size ?? 40;
  return (
    <Show
      when={src()}
      fallback={
        <span class="avatar avatar-fallback" style={{ width: `${size()}px`, height: `${size()}px` }} aria-hidden="true">
          {(props.name.trim()[0] ?? '?').toUpperCase()}
        </span>
      }
    >
      {(s) => <img class="avatar" src={s()} alt="" width={size()} height={size()} />}
    </Show>
  );
}
