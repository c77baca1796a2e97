import { createResource, Show } from 'solid-js';
import { useRepo } from '../repo/repo-context.tsx';
import { blobDataUrl } from '../models/blobs.ts';

/** A picture kept in a blob document (a chat image), as a thumbnail. */
export function BlobImage(props: { url: string; alt: string }) {
  const { repo } = useRepo();
  const [src] = createResource(() => props.url, (u) => blobDataUrl(repo, u));
  return (
    <Show when={src()} fallback={<span class="thumb thumb-missing" role="img" aria-label={props.alt} />}>
      {(s) => <img class="thumb" src={s()} alt={props.alt} loading="lazy" />}
    </Show>
  );
}
