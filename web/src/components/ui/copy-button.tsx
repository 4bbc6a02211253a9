/**
 * Copies a value to the clipboard and says so (icon turns into a check, a toast confirms). Used for secrets
 * and ids. Falls back to a hidden textarea + execCommand where the Clipboard API is unavailable.
 *   <CopyButton value={secret} label="Copy secret" />
 */
import { useEffect, useState } from 'react';
import { Check, Copy } from 'lucide-react';
import { Button, type ButtonProps } from './button';
import { toast } from './toast';

async function writeClipboard(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    /* no permission or no API: the old way below */
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('The browser refused to copy');
}

export function CopyButton({
  value,
  label = 'Copy',
  showLabel = false,
  ...props
}: Omit<ButtonProps, 'onClick' | 'value'> & { value: string; label?: string; showLabel?: boolean }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <Button
      variant="outline"
      size={showLabel ? 'sm' : 'icon'}
      aria-label={label}
      title={label}
      onClick={() =>
        void writeClipboard(value).then(
          () => {
            setCopied(true);
            toast.success('Copied to the clipboard');
          },
          (err: unknown) => toast.error(err),
        )
      }
      {...props}
    >
      {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
      {showLabel && (copied ? 'Copied' : label)}
    </Button>
  );
}
