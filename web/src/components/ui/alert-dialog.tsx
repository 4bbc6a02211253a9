/**
 * Confirmation for destructive actions. Wrap the app in <ConfirmProvider> (main.tsx does), then:
 *   const confirm = useConfirm();
 *   if (await confirm({ title: 'Delete connection "pg"?', description: 'Endpoints using it stop working.',
 *                       confirmLabel: 'Delete', destructive: true })) mutation.mutate(id);
 * The dialog is role "alertdialog" named by its title; its buttons are the confirm label and "Cancel".
 */
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import { AlertDialog as A } from 'radix-ui';
import { buttonVariants } from './button';
import { contentClass, overlayClass } from './dialog';

export interface ConfirmOptions {
  title: string;
  description?: ReactNode;
  confirmLabel?: string;
  cancelLabel?: string;
  destructive?: boolean;
}

type Confirm = (options: ConfirmOptions) => Promise<boolean>;
const ConfirmContext = createContext<Confirm | null>(null);

export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [options, setOptions] = useState<ConfirmOptions | null>(null);
  const resolver = useRef<((ok: boolean) => void) | null>(null);

  const confirm = useCallback<Confirm>(
    (next) =>
      new Promise<boolean>((resolve) => {
        resolver.current?.(false);
        resolver.current = resolve;
        setOptions(next);
      }),
    [],
  );

  const settle = (ok: boolean) => {
    resolver.current?.(ok);
    resolver.current = null;
    setOptions(null);
  };

  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      <A.Root open={options !== null} onOpenChange={(open) => !open && settle(false)}>
        <A.Portal>
          <A.Overlay className={overlayClass} />
          <A.Content className={contentClass} {...(options?.description ? {} : { 'aria-describedby': undefined })}>
            <div className="flex flex-col gap-2">
              <A.Title className="text-lg font-semibold">{options?.title}</A.Title>
              {options?.description && (
                <A.Description className="text-sm text-muted-foreground">{options.description}</A.Description>
              )}
            </div>
            <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
              <A.Cancel className={buttonVariants({ variant: 'outline' })}>{options?.cancelLabel ?? 'Cancel'}</A.Cancel>
              <A.Action
                className={buttonVariants({ variant: options?.destructive ? 'destructive' : 'default' })}
                onClick={() => settle(true)}
              >
                {options?.confirmLabel ?? 'Confirm'}
              </A.Action>
            </div>
          </A.Content>
        </A.Portal>
      </A.Root>
    </ConfirmContext.Provider>
  );
}

export function useConfirm(): Confirm {
  const confirm = useContext(ConfirmContext);
  if (!confirm) throw new Error('useConfirm needs <ConfirmProvider>');
  return confirm;
}
