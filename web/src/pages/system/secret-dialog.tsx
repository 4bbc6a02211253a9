/**
 * Shows a client's secret the only time the API hands it out (create, regenerate): client id and secret with
 * copy buttons and a clear warning. Closing the dialog drops the secret from memory; nothing else keeps it.
 */
import { AlertTriangle } from 'lucide-react';
import { Button } from '../../components/ui/button';
import { CopyButton } from '../../components/ui/copy-button';
import { Dialog, DialogContent, DialogFooter } from '../../components/ui/dialog';

export interface ShownSecret {
  title: string;
  client_id: string;
  client_secret: string;
}

export function SecretDialog({ secret, onClose }: { secret: ShownSecret; onClose: () => void }) {
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        title={secret.title}
        description="The application exchanges these for a gateway token at POST /token/generate."
        onInteractOutside={(e) => e.preventDefault()}
      >
        <div role="alert" className="flex gap-3 rounded-md border border-warning/50 bg-warning/10 p-3 text-sm">
          <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
          <p>
            <strong>Copy the secret now.</strong> It won’t be shown again: Portico keeps only its hash. If it is lost,
            regenerate it.
          </p>
        </div>
        <SecretField label="Client ID" value={secret.client_id} />
        <SecretField label="Client secret" value={secret.client_secret} />
        <DialogFooter>
          <Button onClick={onClose}>I’ve copied it</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function SecretField({ label, value }: { label: string; value: string }) {
  const id = `secret-${label.replace(/\s+/g, '-').toLowerCase()}`;
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <div className="flex gap-2">
        <input
          id={id}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          className="flex h-9 w-full rounded-md border border-input bg-muted/50 px-3 font-mono text-sm"
        />
        <CopyButton value={value} label={`Copy ${label.toLowerCase()}`} />
      </div>
    </div>
  );
}
