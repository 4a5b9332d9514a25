import { Skeleton } from '@mantine/core';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** A QR code drawn in the page (an SVG data URL): the secret never goes to a third party. */
export function QrCode({
  value,
  size = 200,
  label,
}: {
  value: string;
  size?: number;
  label: string;
}) {
  const [source, setSource] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    void QRCode.toString(value, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }).then(
      (svg) => {
        if (!cancelled) setSource(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [value]);
  if (!source) return <Skeleton width={size} height={size} />;
  return (
    <img
      src={source}
      width={size}
      height={size}
      alt={label}
      style={{ background: 'white', borderRadius: 8 }}
    />
  );
}
