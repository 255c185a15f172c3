/** The 12345 mark: a phone glyph on the hotline blue, used in the header and on the sign-in page. */
import { BRAND_BLUE } from '../../theme.ts';

export function BrandMark({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" role="img" aria-hidden="true" style={{ flex: 'none' }}>
      <rect width="64" height="64" rx="14" fill={BRAND_BLUE} stroke="#ffffff" strokeOpacity="0.35" strokeWidth="2" />
      <path
        d="M22 16c2 0 3 1 4 3l3 7c1 2 0 3-1 4l-3 3c2 5 6 9 11 11l3-3c1-1 2-2 4-1l7 3c2 1 3 2 3 4v5c0 3-2 5-5 5C30 57 7 34 7 21c0-3 2-5 5-5z"
        fill="#ffffff"
      />
    </svg>
  );
}
