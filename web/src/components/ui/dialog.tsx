/**
 * Modal dialog (Radix). Typical form dialog:
 *   <Dialog open={open} onOpenChange={setOpen}>
 *     <DialogContent title="New connection" description="…">  …form…  <DialogFooter>…</DialogFooter></DialogContent>
 *   </Dialog>
 * The title is the dialog's accessible name: `page.getByRole('dialog', { name: 'New connection' })`.
 */
import type { ComponentProps, ReactNode } from 'react';
import { Dialog as D } from 'radix-ui';
import { X } from 'lucide-react';
import { cn } from '../../lib/cn';

export const Dialog = D.Root;
export const DialogTrigger = D.Trigger;
export const DialogClose = D.Close;

export const overlayClass =
  'fixed inset-0 z-50 bg-black/50';
export const contentClass =
  'fixed left-1/2 top-1/2 z-50 grid w-full max-w-lg max-h-[90vh] overflow-y-auto -translate-x-1/2 -translate-y-1/2 gap-4 rounded-lg border bg-card text-card-foreground p-6 shadow-lg focus:outline-none';

export function DialogContent({
  title,
  description,
  className,
  children,
  ...props
}: Omit<ComponentProps<typeof D.Content>, 'title'> & { title: ReactNode; description?: ReactNode }) {
  return (
    <D.Portal>
      <D.Overlay className={overlayClass} />
      <D.Content
        className={cn(contentClass, className)}
        {...(description ? {} : { 'aria-describedby': undefined })}
        {...props}
      >
        <div className="flex flex-col gap-1.5 pr-6">
          <D.Title className="text-lg font-semibold leading-none">{title}</D.Title>
          {description && <D.Description className="text-sm text-muted-foreground">{description}</D.Description>}
        </div>
        {children}
        <D.Close
          className="absolute right-4 top-4 rounded-sm opacity-70 hover:opacity-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-ring"
          aria-label="Close"
        >
          <X className="size-4" />
        </D.Close>
      </D.Content>
    </D.Portal>
  );
}

export function DialogFooter({ className, ...props }: ComponentProps<'div'>) {
  return <div className={cn('flex flex-col-reverse gap-2 sm:flex-row sm:justify-end', className)} {...props} />;
}
