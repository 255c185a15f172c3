/** Text split by the server into matched and plain runs; matches are marked. Plain React text: no HTML. */
import type { Segment } from './types.ts';

export function Highlighted({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((s, i) =>
        s.hit ? (
          <mark key={i} data-testid="kb-hit" style={{ background: '#fff1b8', padding: 0 }}>
            {s.text}
          </mark>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}
