/**
 * A modal form: the dialog (role "dialog" named by its title), a `noValidate` form whose submit runs the page's
 * own checks, and the footer with "Cancel" and the submit button (spinner while saving). Fields inside use
 * <FormField> with the errors from `useFieldErrors`.
 *   <FormDialog title="New module" onClose={close} onSubmit={submit} submitLabel="Create module" pending={save.isPending}>
 *     <FormField label="Name" error={errors.name} required><Input … /></FormField>
 *   </FormDialog>
 */
import type { FormEvent, ReactNode } from 'react';
import { Button } from './ui/button';
import { Dialog, DialogContent, DialogFooter } from './ui/dialog';

export function FormDialog(props: {
  title: ReactNode;
  description?: ReactNode;
  onClose: () => void;
  onSubmit: () => void;
  submitLabel: string;
  pending?: boolean;
  className?: string;
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit();
  };
  return (
    <Dialog open onOpenChange={(open) => !open && props.onClose()}>
      <DialogContent title={props.title} description={props.description} className={props.className}>
        <form onSubmit={submit} className="space-y-4" noValidate>
          {props.children}
          <DialogFooter>
            <Button variant="outline" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={props.pending}>
              {props.submitLabel}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
